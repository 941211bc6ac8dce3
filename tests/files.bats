#!/usr/bin/env bats
# files.bats: what one program, PROG, does with the pipe path it is given
# (PROTOCOL.md sections 3.1 and 5): a missing FIFO is made with mode 0600; a
# path that is not a FIFO (regular file, directory, socket, symbolic link of
# any kind, never followed) or cannot be reached fails with status 1 and one
# exact stderr line, and nothing on disk changes: every test works in one
# directory whose listing (type, size, mode, owner, mtime, link target,
# content checksum) is compared before and after.
#
# A FIFO that another user owns, or that other users may write to, is refused
# the same way (section 3.1): in a shared /tmp its owner, or anyone, could
# read our messages or inject their own. Those tests hold the FIFO open with
# bytes in it, so that a program which wrongly accepts it does not wait in
# open() but goes on at once: a subscriber prints the waiting `hello` and
# stops at `exit`, a publisher sends `hello`; one that refuses leaves the
# pipe as it was. Changing a FIFO's owner needs root; those tests say so and
# skip otherwise.
#
# The input cases (4095 and 4096 bytes, overlong raw frames, NUL and invalid
# UTF-8, CRLF) are golden vectors, run for every pair by pair.bats.
#
# tests/run runs this file once per program in bin/; by hand:
#   PROG=go-publisher bats tests/files.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"
load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/behaviour-pipes"

# snapshot: a listing of $T/area that changes if anything in it does.
snapshot() {
  (
    cd "$T/area" || exit
    find . -printf '%p %y %s %m %u:%g %T@ %l\n' | LC_ALL=C sort
    find . -type f -exec md5sum {} + | LC_ALL=C sort
  )
}

# refused PATH LINE: PROG --pipe PATH exits 1 with exactly LINE on stderr,
# nothing on stdout, and $T/area unchanged. A publisher has a line to send.
refused() {
  snapshot >"$T/before"
  printf 'hello\n' >"$T/input"
  if [[ $(prog_role "$PROG") == publisher ]]; then
    run_fg p "$T/input" "$BIN_DIR/$PROG" --pipe "$1"
  else
    run_fg p - "$BIN_DIR/$PROG" --pipe "$1"
  fi
  expect_status p 1
  assert_err_lines p "$2"
  assert_out_lines p
  snapshot >"$T/after"
  assert_same_bytes "the listing of $T/area" "$T/before" "$T/after"
}

setup() {
  common_setup
  mkdir "$T/area"
  PIPE=$T/area/pipe
  # An old mtime, so that any write would show.
  touch -d '2001-02-03 04:05:06' "$T/area"
}

teardown() {
  common_teardown
  [[ -z ${STICKY:-} ]] || rm -rf -- "$STICKY"
}

old() { touch -h -d '2001-02-03 04:05:06' "$@"; }

need_root() {
  ((EUID == 0)) || skip "needs root: only root can give a FIFO to another user (uid 65534)"
}

# A FIFO offered to PROG, held open by the test shell (or an attacker) with
# bytes waiting in it: for a subscriber the frames `hello` and `exit`, for a
# publisher none, while its standard input is the line `hello`.
OFFERED=$'hello\nexit\n'

# offer_pipe: hold $PIPE open read-write in the test shell and put what a
# subscriber would be offered into it.
offer_pipe() {
  hold_pipe
  if [[ $(prog_role "$PROG") == subscriber ]]; then printf '%s' "$OFFERED" >&"$PIPE_FD"; fi
}

# run_on_offered_pipe: PROG --pipe $PIPE, a publisher reading the line hello;
# every byte it writes, or left in the pipe after PROG, goes to $T/left.
run_on_offered_pipe() {
  printf 'hello\n' >"$T/input"
  : >"$T/left"
  if [[ $(prog_role "$PROG") == publisher ]]; then
    # It waits until what it wrote is taken before it exits.
    spawn p "$T/input" "$BIN_DIR/$PROG" --pipe "$PIPE"
    take_pipe_while alive p
    finish p
  else
    run_fg p - "$BIN_DIR/$PROG" --pipe "$PIPE"
  fi
  pipe_drain "$T/left.part"
  cat "$T/left.part" >>"$T/left"
}

# assert_pipe_untouched: the pipe holds what it was offered, no more, no less:
# nothing was read from it and nothing written into it.
assert_pipe_untouched() {
  if [[ $(prog_role "$PROG") == subscriber ]]; then printf '%s' "$OFFERED"; fi >"$T/want-left"
  assert_same_bytes "what was left in the pipe" "$T/want-left" "$T/left"
}

# refused_fifo LINE: PROG refuses the FIFO $PIPE (prepared and offered by
# the caller) with exit status 1 and exactly LINE on stderr; nothing on
# stdout, nothing read from the pipe or written into it, $T/area unchanged.
refused_fifo() {
  need_perl
  offer_pipe
  snapshot >"$T/before"
  run_on_offered_pipe
  expect_status p 1
  assert_err_lines p "$1"
  assert_out_lines p
  assert_pipe_untouched
  snapshot >"$T/after"
  assert_same_bytes "the listing of $T/area" "$T/before" "$T/after"
}

# used_fifo: PROG uses the FIFO $PIPE (prepared by the caller): a subscriber
# prints hello and stops at exit, a publisher sends hello; its mode and
# owner are left as they were.
used_fifo() {
  need_perl
  local mode
  mode=$(stat -c '%a %u:%g' "$PIPE")
  offer_pipe
  run_on_offered_pipe
  expect_status p 0
  if [[ $(prog_role "$PROG") == subscriber ]]; then
    assert_out_lines p "Received: hello" "Exiting..."
    assert_err_lines p
    assert_same_bytes "what was left in the pipe" /dev/null "$T/left"
  else
    assert_out_lines p
    assert_err_lines_but_waiting p "$PROG"
    printf 'hello\n' >"$T/want-left"
    assert_same_bytes "what the publisher put in the pipe" "$T/want-left" "$T/left"
  fi
  [[ $(stat -c '%a %u:%g' "$PIPE") == "$mode" ]] ||
    fail "$PROG changed $PIPE from mode and owner $mode to $(stat -c '%a %u:%g' "$PIPE")"
}

@test "a missing FIFO is made with mode 0600 (even under umask 000)" {
  umask 000
  spawn_prog p "$PROG" --pipe "$PIPE"
  wait_prog_waiting p "$PROG"
  [[ -p $PIPE ]] || fail "$PROG waits in open() but $PIPE is not a FIFO"
  [[ $(stat -c %a "$PIPE") == 600 ]] || fail "$PIPE has mode $(stat -c %a "$PIPE"), not 600"
  signal_prog p TERM
  finish p
  expect_status p 143
}

@test "an existing FIFO is used as it is" {
  mkfifo -m 640 "$PIPE"
  old "$PIPE" "$T/area"
  snapshot >"$T/before"
  local inode
  inode=$(stat -c %i "$PIPE")
  spawn_prog p "$PROG" --pipe "$PIPE"
  wait_prog_waiting p "$PROG"
  signal_prog p TERM
  finish p
  expect_status p 143
  [[ $(stat -c %i "$PIPE") == "$inode" ]] || fail "$PROG replaced the FIFO $PIPE"
  snapshot >"$T/after"
  assert_same_bytes "the listing of $T/area" "$T/before" "$T/after"
}

@test "a regular file: refused, its content and mtime unchanged" {
  printf 'precious data\n' >"$T/area/file"
  old "$T/area/file" "$T/area"
  refused "$T/area/file" "$PROG: $T/area/file: exists and is not a named pipe"
}

@test "an empty regular file: refused, still empty" {
  : >"$T/area/file"
  old "$T/area/file" "$T/area"
  refused "$T/area/file" "$PROG: $T/area/file: exists and is not a named pipe"
}

@test "a directory: refused, left empty" {
  mkdir "$T/area/dir"
  old "$T/area/dir" "$T/area"
  refused "$T/area/dir" "$PROG: $T/area/dir: exists and is not a named pipe"
}

@test "a socket: refused" {
  command -v python3 >/dev/null || skip "python3 is needed to make a socket"
  python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/area/sock"
  old "$T/area/sock" "$T/area"
  refused "$T/area/sock" "$PROG: $T/area/sock: exists and is not a named pipe"
}

@test "a symbolic link to a FIFO: refused, not followed (no wait in open())" {
  mkfifo -m 600 "$T/area/fifo"
  ln -s fifo "$T/area/link"
  old "$T/area/fifo" "$T/area/link" "$T/area"
  refused "$T/area/link" "$PROG: $T/area/link: is a symbolic link, not a named pipe"
}

@test "a symbolic link to a regular file: refused, the file unchanged" {
  printf 'precious data\n' >"$T/area/file"
  ln -s file "$T/area/link"
  old "$T/area/file" "$T/area/link" "$T/area"
  refused "$T/area/link" "$PROG: $T/area/link: is a symbolic link, not a named pipe"
}

@test "a dangling symbolic link: refused, its target not made" {
  ln -s missing "$T/area/link"
  old "$T/area/link" "$T/area"
  refused "$T/area/link" "$PROG: $T/area/link: is a symbolic link, not a named pipe"
}

@test "a path in a missing directory: refused with the system's error, nothing made" {
  refused "$T/area/nodir/pipe" "$PROG: $T/area/nodir/pipe: No such file or directory"
}

@test "a path under a regular file: refused with the system's error" {
  printf 'precious data\n' >"$T/area/file"
  old "$T/area/file" "$T/area"
  refused "$T/area/file/pipe" "$PROG: $T/area/file/pipe: Not a directory"
}

@test "a FIFO of another user (uid 65534): refused, nothing read or written" {
  need_root
  mkfifo -m 600 "$PIPE"
  chown 65534:65534 "$PIPE"
  old "$PIPE" "$T/area"
  refused_fifo "$PROG: $PIPE: belongs to another user (uid 65534), who could read or inject messages"
}

@test "a FIFO of ours with mode 0666: refused, nothing read or written" {
  mkfifo "$PIPE"
  chmod 666 "$PIPE" # after mkfifo: the umask does not apply to chmod
  old "$PIPE" "$T/area"
  refused_fifo "$PROG: $PIPE: other users may write to it (mode 0666), so they could inject messages"
}

@test "a FIFO of ours with mode 0602 (only others may write): refused" {
  mkfifo "$PIPE"
  chmod 602 "$PIPE"
  old "$PIPE" "$T/area"
  refused_fifo "$PROG: $PIPE: other users may write to it (mode 0602), so they could inject messages"
}

@test "a FIFO of another user with mode 0666: the owner is reported" {
  need_root
  mkfifo "$PIPE"
  chmod 666 "$PIPE"
  chown 65534:65534 "$PIPE"
  old "$PIPE" "$T/area"
  refused_fifo "$PROG: $PIPE: belongs to another user (uid 65534), who could read or inject messages"
}

@test "a FIFO of ours with mode 0644 (plain mkfifo under umask 022) is used" {
  mkfifo "$PIPE"
  chmod 644 "$PIPE"
  used_fifo
}

@test "a FIFO of ours with mode 0660 (the group may write) is used" {
  mkfifo "$PIPE"
  chmod 660 "$PIPE"
  used_fifo
}

@test "the attack: a FIFO made by user nobody with mode 0666 in a sticky /tmp-like directory is refused" {
  need_root
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is needed to make the FIFO as user nobody"
  need_perl
  # A directory like /tmp: world-writable and sticky, reachable by nobody
  # (the test's own directory is not).
  STICKY=$(mktemp -d /tmp/fifo-pubsub-sticky.XXXXXX)
  chmod 1777 "$STICKY"
  PIPE=$STICKY/pipe
  # The attacker makes the FIFO first, under umask 000, and holds it open
  # with a message and an exit waiting for whoever reads it.
  # shellcheck disable=SC2016 # perl's own variables
  spawn attacker - setpriv --reuid=65534 --regid=65534 --clear-groups perl -MPOSIX -MFcntl -e '
    umask 0;
    POSIX::mkfifo($ARGV[0], 0666) or die "mkfifo $ARGV[0]: $!\n";
    sysopen(my $f, $ARGV[0], O_RDWR) or die "$ARGV[0]: $!\n";
    syswrite($f, "injected\nexit\n") == 14 or die "$ARGV[0]: $!\n";
    sleep 1000;' "$PIPE"
  wait_until attacker "holding $PIPE open" has_open attacker "$PIPE"
  [[ $(stat -c '%u %a' "$PIPE") == "65534 666" ]] ||
    fail "the attacker's FIFO has owner and mode $(stat -c '%u %a' "$PIPE"), not 65534 666"

  printf 'secret\n' >"$T/input"
  if [[ $(prog_role "$PROG") == publisher ]]; then
    run_fg p "$T/input" "$BIN_DIR/$PROG" --pipe "$PIPE"
  else
    run_fg p - "$BIN_DIR/$PROG" --pipe "$PIPE"
  fi
  expect_status p 1
  assert_err_lines p "$PROG: $PIPE: belongs to another user (uid 65534), who could read or inject messages"
  assert_out_lines p
  [[ $(fifo_unread "$PIPE") == 14 ]] ||
    fail "the attacker's FIFO holds $(fifo_unread "$PIPE") bytes, not the 14 it wrote: $PROG read or wrote it"
  [[ $(stat -c '%u %a' "$PIPE") == "65534 666" ]] || fail "$PROG changed the attacker's FIFO"
}
