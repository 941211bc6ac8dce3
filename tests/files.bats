#!/usr/bin/env bats
# files.bats: what one program, PROG, does with the pipe path it is given
# (PROTOCOL.md sections 3.1 and 5): a missing FIFO is made with mode 0600; a
# path that is not a FIFO (regular file, directory, socket, symbolic link of
# any kind, never followed) or cannot be reached fails with status 1 and one
# exact stderr line, and nothing on disk changes: every test works in one
# directory whose listing (type, size, mode, mtime, link target, content
# checksum) is compared before and after.
#
# The input cases (4095 and 4096 bytes, overlong raw frames, NUL and invalid
# UTF-8, CRLF) are golden vectors, run for every pair by pair.bats.
#
# tests/run runs this file once per program in bin/; by hand:
#   PROG=go-publisher bats tests/files.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

# snapshot: a listing of $T/area that changes if anything in it does.
snapshot() {
  (
    cd "$T/area"
    find . -printf '%p %y %s %m %T@ %l\n' | LC_ALL=C sort
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

old() { touch -h -d '2001-02-03 04:05:06' "$@"; }

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
