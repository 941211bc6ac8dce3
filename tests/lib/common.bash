# tests/lib/common.bash: helpers shared by every file of the interop suite.
#
# How the suite runs programs, and why:
# - Every program runs under `timeout` as a hang guard (never as a timed
#   assertion): a program that blocks forever fails its test with a message
#   instead of hanging CI. `timeout` also puts each program in its own process
#   group, which teardown kills, and resets SIGINT to its default (a plain
#   background job of a script would ignore it).
# - Background programs get `3>&-` (bats' own fd 3) and write their stdout and
#   stderr to files NAME.out and NAME.err in $BATS_TEST_TMPDIR, where the FIFO
#   lives too.
# - Every open() of a FIFO that could block happens inside a guarded process,
#   never in the test shell. The shell itself only opens FIFOs read-write
#   (`<>`, which Linux never blocks) or when it holds the other end already.
# - Synchronisation is by observation, not by sleeping: a process blocked in
#   open() of a FIFO sleeps in the kernel's wait_for_partner (seen in
#   /proc/PID/task/*/wchan); a subscriber that opened its FIFO non-blocking
#   and waits in poll() holds it in /proc/PID/fd; a publisher says that it
#   waits; output is awaited by polling its file. Every poll gives up after
#   $HANG seconds, and a program's own guard is twice that, so that a poll
#   that gives up says what it waited for.
#
# A test file loads this with PUB and SUB (a pair), SUB alone, or PROG set:
#   PUB   c, go, ... (bin/PUB-publisher) or printf (the shell writes raw bytes)
#   SUB   c, python, ... (bin/SUB-subscriber) or cat (prints raw bytes)
#   PROG  an executable's name in bin/, such as go-publisher

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

TESTS_DIR=${TESTS_DIR:-$(cd "$BATS_TEST_DIRNAME" && pwd)}
REPO_DIR=${REPO_DIR:-$(cd "$TESTS_DIR/.." && pwd)}
BIN_DIR=${BIN_DIR:-$REPO_DIR/bin}
# shellcheck disable=SC2034 # used by the test files
VECTORS=$REPO_DIR/shared/vectors
PROTOCOL=$REPO_DIR/shared/PROTOCOL.md
# Seconds before a poll is given up (programs get twice that): hang guards
# only, never timed assertions.
HANG=${HANG_GUARD:-20}

# ---------------------------------------------------------------- discovery

# real_programs ROLE: the names of bin/*-ROLE (tests/run builds its matrix
# from the same function).
# shellcheck source-path=SCRIPTDIR source=discover.bash
. "$TESTS_DIR/lib/discover.bash"

# Test names say what they run: "[go -> python] crlf", "[c-publisher] --help",
# "[c+go+python -> cat] publishers at once...".
if [[ -z ${BATS_TEST_NAME_PREFIX:-} ]]; then
  if [[ -n ${PUB:-} && -n ${SUB:-} ]]; then
    BATS_TEST_NAME_PREFIX="[$PUB -> $SUB] "
  elif [[ -n ${SUB:-} ]]; then
    # Several publishers into one subscriber: PUBS names them, by default
    # every publisher in bin/.
    PUBS=${PUBS:-$(real_programs publisher | paste -sd ' ')}
    BATS_TEST_NAME_PREFIX="[${PUBS// /+} -> $SUB] "
  elif [[ -n ${PROG:-} ]]; then
    BATS_TEST_NAME_PREFIX="[$PROG] "
  fi
fi

# The program names the contract's messages use: go-publisher, c-subscriber.
pub_prog() { echo "$PUB-publisher"; }
sub_prog() { echo "$SUB-subscriber"; }

# ----------------------------------------------------------- setup/teardown

# A file that defines its own setup or teardown calls these.
common_setup() {
  T=$BATS_TEST_TMPDIR
  PIPE=$T/pipe
  declare -gA PID=() CMD=() STATUS=() FEED=()
  HELD=()
}
setup() { common_setup; }
teardown() { common_teardown; }

common_teardown() {
  local name
  for name in "${!FEED[@]}"; do close_feed "$name"; done
  release_pipe
  # Whatever is still running failed or was left behind: kill its whole
  # process group (timeout made itself the leader of one).
  for name in "${!PID[@]}"; do
    kill -KILL -- "-${PID[$name]}" 2>/dev/null || true
    kill -KILL "${PID[$name]}" 2>/dev/null || true
    wait "${PID[$name]}" 2>/dev/null || true
  done
}

# --------------------------------------------------------- running programs

# close_held: in a child, close the fds the test shell holds (feeds, pipe).
close_held() {
  local fd
  for fd in "${HELD[@]}"; do exec {fd}>&-; done
}

# spawn NAME STDIN CMD...: start CMD in the background under the hang guard,
# stdin from the file STDIN (- for /dev/null) or a feed, stdout and stderr to
# $T/NAME.out and $T/NAME.err (stdout to $SPAWN_STDOUT if set). STDIN is
# opened here, before the child starts: a feed has its writer in this shell,
# so the open cannot block, and cannot race with the feed being closed.
spawn() {
  local name=$1 in=$2 infd
  shift 2
  [[ $in == - ]] && in=/dev/null
  exec {infd}<"$in"
  (
    close_held
    exec timeout -k 5 "$((2 * HANG))" "$@" <&"$infd" {infd}<&- >"${SPAWN_STDOUT:-$T/$name.out}" 2>"$T/$name.err" 3>&-
  ) &
  PID[$name]=$!
  CMD[$name]="$*"
  exec {infd}<&-
}

# finish NAME: wait for NAME to end (bounded by its hang guard); its exit
# status goes to STATUS[NAME].
finish() {
  local st=0
  [[ -n ${PID[$1]:-} ]] || { fail "finish $1: no such process was started"; return 1; }
  wait "${PID[$1]}" 2>/dev/null || st=$? # no "Killed" job notice
  unset "PID[$1]"
  STATUS[$1]=$st
}

# run_fg NAME STDIN CMD...: spawn, then finish.
run_fg() {
  spawn "$@"
  finish "$1"
}

# alive NAME: is NAME's guard still running (not exited, not a zombie)?
alive() {
  local stat
  [[ -n ${PID[$1]:-} ]] || return 1
  read -r stat 2>/dev/null <"/proc/${PID[$1]}/stat" || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# descendants PID: every process below PID (into the array DESC), read from
# /proc/PID/task/*/children without forking, as it runs in polling loops.
descendants() {
  DESC=()
  _descend "$1"
}
_descend() {
  local t kids k
  for t in /proc/"$1"/task/*/children; do
    kids=()
    read -r -a kids 2>/dev/null <"$t" || true
    for k in "${kids[@]}"; do
      DESC+=("$k")
      _descend "$k"
    done
  done
}

# main_pid NAME: the program itself (the guard's child); what signals go to.
main_pid() {
  local end=$((SECONDS + HANG))
  while ((SECONDS < end)); do
    descendants "${PID[$1]}"
    ((${#DESC[@]})) && { echo "${DESC[0]}"; return 0; }
    alive "$1" || break
    sleep 0.02
  done
  fail "$1 (${CMD[$1]}): no running program found"
}

# describe NAME: what a failure message shows about a program.
describe() {
  printf '%s: %s\n' "$1" "${CMD[$1]:-?}"
  [[ -n ${STATUS[$1]:-} ]] && printf '  exit status: %s\n' "${STATUS[$1]}"
  if [[ -s $T/$1.err ]]; then
    printf '  stderr:\n'
    head -c 2000 "$T/$1.err" | cat -A | sed 's/^/    /'
  fi
  if [[ -s $T/$1.out ]]; then
    printf '  stdout (first 2000 bytes):\n'
    head -c 2000 "$T/$1.out" | cat -A | sed 's/^/    /'
  fi
  return 0
}

# blocked_in_open NAME: is some thread of NAME's processes asleep in open() of
# a FIFO, waiting for the other end? (Threads: Go blocks in any of them.)
blocked_in_open() {
  local p w c
  descendants "${PID[$1]}"
  for p in "${DESC[@]}"; do
    for w in /proc/"$p"/task/*/wchan; do
      c=
      read -r c 2>/dev/null <"$w" || true
      [[ $c == wait_for_partner || $c == fifo_open ]] && return 0
    done
  done
  return 1
}

# has_open NAME PATH: does some process of NAME hold PATH open?
has_open() {
  local p fd
  descendants "${PID[$1]}"
  for p in "${DESC[@]}"; do
    for fd in /proc/"$p"/fd/*; do
      [[ $fd -ef $2 ]] && return 0
    done
  done
  return 1
}

# sub_ready NAME PATH: is the subscriber NAME a reader of the FIFO PATH, so
# that a publisher's open() finds it? It either sleeps in a blocking open()
# or holds the FIFO open already (opened non-blocking, waiting in poll()).
sub_ready() { blocked_in_open "$1" || has_open "$1" "$2"; }

# pub_waiting NAME PATH PROG: is the publisher NAME waiting for a reader of
# PATH? It sleeps in open(), or has said that it waits (it may try a
# non-blocking open again and again). Run with a private /tmp
# (with_private_tmp in cli.bats), it names $T/tmp/X as /tmp/X.
pub_waiting() {
  blocked_in_open "$1" ||
    { [[ -n $3 ]] && grep -qxF -e "$3: $2: waiting for a subscriber" \
      -e "$3: ${2#"$T"}: waiting for a subscriber" "$T/$1.err" 2>/dev/null; }
}

# wait_until NAME WHAT CHECK...: poll CHECK until it succeeds; fail at once if
# NAME ends first, or after $HANG seconds.
wait_until() {
  local name=$1 what=$2 end=$((SECONDS + HANG))
  shift 2
  while ((SECONDS < end)); do
    "$@" && return 0
    if ! alive "$name"; then
      finish "$name"
      fail "$(printf '%s ended instead of %s\n' "$name" "$what"; describe "$name")"
      return 1
    fi
    sleep 0.02
  done
  fail "$(printf '%s: still not %s after %ss\n' "$name" "$what" "$HANG"; describe "$name")"
}

# wait_sub_ready NAME [PATH]: wait until the subscriber NAME is a reader of
# the FIFO PATH (default $PIPE), ready for a publisher.
wait_sub_ready() {
  local path=${2:-$PIPE}
  wait_until "$1" "waiting for a publisher on $path" sub_ready "$1" "$path"
}

# wait_pub_waiting NAME [PATH [PROG]]: wait until the publisher NAME (PROG,
# default $PUB's) waits for a subscriber on PATH (default $PIPE).
wait_pub_waiting() {
  local path=${2:-$PIPE} prog=${3:-}
  [[ -z $prog && ${PUB:-printf} != printf ]] && prog=$(pub_prog)
  wait_until "$1" "waiting for a subscriber on $path" pub_waiting "$1" "$path" "$prog"
}

# wait_prog_waiting NAME PROG [PATH]: the program PROG (either role) waits on
# PATH for its other end.
wait_prog_waiting() {
  if [[ $(prog_role "$2") == publisher ]]; then
    wait_pub_waiting "$1" "${3:-$PIPE}" "$2"
  else
    wait_sub_ready "$1" "${3:-$PIPE}"
  fi
}

# wait_file_line FILE LINE WHAT [NAME]: wait until FILE holds the line LINE;
# fail at once if the process NAME ends first without writing it.
wait_file_line() {
  local end=$((SECONDS + HANG))
  while ((SECONDS < end)); do
    grep -qaxF -- "$2" "$1" 2>/dev/null && return 0
    if [[ -n ${4:-} ]] && ! alive "$4"; then
      grep -qaxF -- "$2" "$1" 2>/dev/null && return 0
      finish "$4"
      fail "$(printf '%s ended before the line %q showed in %s\n' "$4" "$2" "$3"; describe "$4")"
      return 1
    fi
    sleep 0.02
  done
  fail "$(printf 'waited %ss for the line %q in %s; it holds:\n' "$HANG" "$2" "$3"; head -c 2000 "$1" | cat -A)"
}

# wait_out NAME LINE / wait_err NAME LINE: wait for a line of NAME's output.
wait_out() { wait_file_line "$T/$1.out" "$2" "$1's stdout" "$1"; }
wait_err() { wait_file_line "$T/$1.err" "$2" "$1's stderr" "$1"; }

# ------------------------------------------------------- held fds and feeds

# open_feed NAME: a FIFO $T/NAME.feed that the test shell holds open
# read-write, to be a program's standard input: lines can be sent after the
# program started, and closing it gives the program end of file. Opening it
# never blocks, and writing to it never raises SIGPIPE in the test shell.
open_feed() {
  local fd
  mkfifo "$T/$1.feed"
  exec {fd}<>"$T/$1.feed"
  FEED[$1]=$fd
  HELD+=("$fd")
}

# feed NAME LINE...: send lines (LF added) to a feed.
feed() {
  local name=$1
  shift
  printf '%s\n' "$@" >&"${FEED[$name]}"
}

close_feed() {
  local fd=${FEED[$1]:-}
  [[ -n $fd ]] || return 0
  exec {fd}>&-
  unset "FEED[$1]"
  drop_held "$fd"
}

drop_held() {
  local i
  for i in "${!HELD[@]}"; do
    [[ ${HELD[$i]} == "$1" ]] && unset "HELD[$i]"
  done
  return 0
}

# hold_pipe: the test shell holds the FIFO open read-write (it never reads),
# so a subscriber does not meet end of file while publishers come and go.
hold_pipe() {
  exec {PIPE_FD}<>"$PIPE"
  HELD+=("$PIPE_FD")
}

# hold_read_end: the test shell holds the FIFO open for reading (it never
# reads). Bytes a publisher wrote then stay in the pipe until a subscriber
# reads them, even while no subscriber has it open, and no publisher meets a
# broken pipe or waits in open().
hold_read_end() {
  local rw
  exec {rw}<>"$PIPE"     # never blocks; a writer for a moment
  exec {PIPE_FD}<"$PIPE" # does not block: there is a writer
  exec {rw}>&-
  HELD+=("$PIPE_FD")
}

release_pipe() {
  [[ -n ${PIPE_FD:-} ]] || return 0
  exec {PIPE_FD}>&-
  drop_held "$PIPE_FD"
  PIPE_FD=
}

# ------------------------------------------------- publishers, subscribers

# ensure_fifo: the honorary members do not create the FIFO; make it for them.
# A subscriber starting at the same moment may make it first (EEXIST), which
# is fine as long as a FIFO is there.
ensure_fifo() {
  [[ -p $PIPE ]] || mkfifo -m 600 "$PIPE" 2>/dev/null || [[ -p $PIPE ]] ||
    fail "$PIPE: could not be made a FIFO: $(mkfifo -m 600 "$PIPE" 2>&1)"
}

# start_sub NAME [ARGS...]: start the subscriber SUB on $PIPE. cat takes no
# options: it always stops at the first end of file, like --once.
start_sub() {
  local name=$1
  shift
  if [[ $SUB == cat ]]; then
    ensure_fifo
    spawn "$name" - cat "$PIPE"
  else
    spawn "$name" - "$BIN_DIR/$SUB-subscriber" --pipe "$PIPE" "$@"
  fi
}

# start_pub NAME INPUT [PIPEBYTES]: start the publisher PUB on $PIPE with
# INPUT as its standard input. For printf, which has no input, the shell's
# printf builtin writes PIPEBYTES (default INPUT) into the pipe: every byte
# as an octal escape, so NUL and any other byte survive.
start_pub() {
  local name=$1 input=$2 bytes=${3:-$2}
  if [[ $PUB == printf ]]; then
    ensure_fifo
    od -An -v -to1 "$bytes" | tr -d '\n' | sed 's/ \+/\\/g' >"$T/$name.fmt"
    # shellcheck disable=SC2016 # expanded by the inner bash
    spawn "$name" - bash -c 'printf "$(<"$1")" >"$2"' printf "$T/$name.fmt" "$PIPE"
  else
    spawn "$name" "$input" "$BIN_DIR/$PUB-publisher" --pipe "$PIPE"
  fi
}

# start_fed_pub NAME [LINE...]: start the publisher PUB on $PIPE reading a
# feed of the same name (see open_feed), and send it LINEs. It stays
# connected until close_feed NAME gives it end of input.
start_fed_pub() {
  local name=$1
  shift
  open_feed "$name"
  spawn "$name" "$T/$name.feed" "$BIN_DIR/$(pub_prog)" --pipe "$PIPE"
  (($# == 0)) || feed "$name" "$@"
}

# printf_lines FILE LINE...: write lines to FILE, LF after each.
printf_lines() {
  local f=$1
  shift
  printf '%s\n' "$@" >"$f"
}

# ------------------------------------------------------------- assertions

# expect_status NAME STATUS
expect_status() {
  local got=${STATUS[$1]:-unknown}
  [[ $got == "$2" ]] && return 0
  if [[ $got == 124 ]]; then
    fail "$(printf '%s was still running after %ss and was stopped by the hang guard (expected exit status %s)\n' "$1" "$((2 * HANG))" "$2"; describe "$1")"
  else
    fail "$(printf '%s: expected exit status %s, got %s\n' "$1" "$2" "$got"; describe "$1")"
  fi
}

# assert_same_bytes WHAT EXPECTED_FILE ACTUAL_FILE: byte-for-byte equality,
# with a readable diff (cat -A: $ ends a line, ^M is CR, ^@ is NUL).
assert_same_bytes() {
  cmp -s -- "$2" "$3" && return 0
  fail "$(
    printf '%s differs from the expected bytes: %s\n' "$1" "$(cmp -- "$2" "$3" 2>&1 | head -n 1)"
    printf 'expected %s bytes, got %s bytes; diff of cat -A (expected, actual):\n' \
      "$(wc -c <"$2")" "$(wc -c <"$3")"
    diff -u <(cat -A -- "$2") <(cat -A -- "$3") | tail -n +3 | head -n 40
  )"
}

# assert_out NAME EXPECTED_FILE: NAME's stdout, byte for byte.
assert_out() { assert_same_bytes "$1's stdout" "$2" "$T/$1.out"; }

# assert_out_lines NAME LINE...: NAME's stdout is exactly these lines.
assert_out_lines() {
  local name=$1
  shift
  if (($#)); then printf '%s\n' "$@"; else printf ''; fi >"$T/$name.want-out"
  assert_same_bytes "$name's stdout" "$T/$name.want-out" "$T/$name.out"
}

# assert_err_lines NAME LINE...: NAME's stderr is exactly these lines.
assert_err_lines() {
  local name=$1
  shift
  if (($#)); then printf '%s\n' "$@"; else printf ''; fi >"$T/$name.want-err"
  assert_same_bytes "$name's stderr" "$T/$name.want-err" "$T/$name.err"
}

# assert_err_lines_but_waiting NAME PROG LINE...: like assert_err_lines, the
# publisher's waiting notice (whose presence depends on timing) left out.
assert_err_lines_but_waiting() {
  local name=$1 prog=$2
  shift 2
  grep -avxF -- "$prog: $PIPE: waiting for a subscriber" "$T/$name.err" >"$T/$name.err-nowait" || true
  if (($#)); then printf '%s\n' "$@"; else printf ''; fi >"$T/$name.want-err"
  assert_same_bytes "$name's stderr (waiting notice left out)" "$T/$name.want-err" "$T/$name.err-nowait"
}

# expand_err VECTOR_ERR PROG OUT: a vector's .err with {prog} and {pipe}
# replaced, written to OUT byte for byte.
expand_err() {
  local s
  s=$(
    cat -- "$1"
    printf x
  )
  s=${s%x}
  s=${s//'{prog}'/$2}
  s=${s//'{pipe}'/$PIPE}
  printf '%s' "$s" >"$3"
}

# received MSG...: the lines SUB prints for these messages, one a line on
# stdout ("Received: MSG", or MSG itself for cat and a subscriber run with
# --raw, which a test says by setting RAW=1); the word EXIT stands for the
# message exit ("Exiting...", or exit when raw).
received() {
  local m
  for m in "$@"; do
    if [[ $SUB == cat || -n ${RAW:-} ]]; then
      [[ $m == EXIT ]] && m='exit'
      printf '%s\n' "$m"
    elif [[ $m == EXIT ]]; then
      printf 'Exiting...\n'
    else
      printf 'Received: %s\n' "$m"
    fi
  done
}

# assert_received NAME MSG...: NAME's stdout is exactly what SUB prints for
# these messages.
assert_received() {
  local name=$1
  shift
  received "$@" >"$T/$name.want-out"
  assert_same_bytes "$name's stdout" "$T/$name.want-out" "$T/$name.out"
}

# wait_received NAME MSG: wait until NAME has printed MSG.
wait_received() { wait_out "$1" "$(received "$2")"; }

# assert_alive NAME WHY: NAME is still running.
assert_alive() {
  alive "$1" && return 0
  finish "$1"
  fail "$(printf '%s ended %s\n' "$1" "$2"; describe "$1")"
}

# signal_prog NAME SIG: send SIG to the program itself (the guard's child).
signal_prog() {
  local p
  p=$(main_pid "$1")
  kill -s "$2" "$p"
}

# waiting_notice PROG: the publisher's notice while it waits for a reader.
waiting_notice() { echo "$1: $PIPE: waiting for a subscriber"; }
broken_notice() { echo "$1: $PIPE: subscriber went away (broken pipe)"; }

# ------------------------------------------------- one program on its own

# prog_role PROG: publisher or subscriber.
prog_role() { [[ $1 == *-publisher ]] && echo publisher || echo subscriber; }

# spawn_prog NAME PROG ARGS...: start bin/PROG with ARGS (a publisher reads
# an open feed, NAME-in, that sends nothing: it never meets end of input).
spawn_prog() {
  local name=$1 prog=$2
  shift 2
  if [[ $(prog_role "$prog") == publisher ]]; then
    open_feed "$name-in"
    spawn "$name" "$T/$name-in.feed" "$BIN_DIR/$prog" "$@"
  else
    spawn "$name" - "$BIN_DIR/$prog" "$@"
  fi
}

# protocol_usage ROLE PROG: the usage text PROTOCOL.md section 1 gives for a
# publisher or subscriber, PROG in place of the program's name: the fenced
# block that starts "Usage: PROG", the subscriber's being the one with --once.
protocol_usage() {
  awk -v role="$1" '
    /^```/ {
      if (inside) {
        if ((role == "subscriber") == (text ~ /--once/)) { printf "%s", text; exit }
        inside = 0
      } else {
        inside = 1; text = ""; first = 1
      }
      next
    }
    inside && first && !/^Usage: PROG / { inside = 0 }
    inside { text = text $0 "\n"; first = 0 }
  ' "$PROTOCOL" | sed "s/PROG/$2/g"
}

# pipe_unread: how many bytes wait unread in $PIPE (FIONREAD), asked through
# a non-blocking read-only descriptor that reads nothing.
pipe_unread() {
  perl -MFcntl -e 'sysopen(my $f, $ARGV[0], O_RDONLY | O_NONBLOCK) or die "$ARGV[0]: $!\n";
    my $n = pack("i", 0); ioctl($f, 0x541B, $n) or die "FIONREAD: $!\n"; print unpack("i", $n), "\n"' "$PIPE"
}

# stopped NAME: is the program NAME stopped (SIGSTOP)?
stopped() {
  local stat
  read -r stat 2>/dev/null <"/proc/$(main_pid "$1")/stat" || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} == T ]]
}

# remake_fifo: what `rm -f P; mkfifo P` does in a script that did not write
# this repository (pipe-io-server does it at start).
# A program following its path may make the FIFO again first: either way
# the path then names a new FIFO.
remake_fifo() { rm -f "$PIPE" && { mkfifo -m 600 "$PIPE" 2>/dev/null || [[ -p $PIPE ]]; }; }

# not_applicable REASON: this combination cannot run this test (cat takes no
# options, printf reads no input, a publisher has no standard output...).
# It is a skip that tests/run counts apart, never as a skipped test: a skip
# means a capability missing on this machine.
not_applicable() { skip "does not apply: $1"; }
