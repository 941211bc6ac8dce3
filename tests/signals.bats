#!/usr/bin/env bats
# signals.bats: SIGINT and SIGTERM end one program, PROG, while it waits in
# open() for the other end of the FIFO, with status 130 and 143 (PROTOCOL.md
# section 1), no output and no error line; a publisher has only said that it
# waits. (Signals while a program reads are in lifecycle.bats, per pair.)
#
# A signal at any moment of a program's start (its first ~100 ms, runtime
# and interpreter start-up included) gives the same status and no traceback.
#
# A subscriber stopped while its standard output is slow (section 4.8)
# writes out every message it has taken from the pipe, completes the one
# frame its last read cut in two, and leaves the rest in the pipe: printed
# and left over together are every message, whole, exactly once. One
# SIGTERM is enough even when standard output takes nothing at all.
#
# tests/run runs this file once per program in bin/; by hand:
#   PROG=c-subscriber bats tests/signals.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"
load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/behaviour-pipes"

subscriber_only() {
  if [[ $(prog_role "$PROG") != subscriber ]]; then not_applicable "a publisher has no standard output to write out"; fi
}

# MESSAGES: how many numbered messages of 100 bytes the writer sends: some
# 5 MB, far more than a slow standard output takes before the signal.
MESSAGES=50000

# PIPE_SIZE: the FIFO's capacity in these tests (F_SETPIPE_SZ), above the
# default 64 KiB, so that the pipe holds more than one read of 64 KiB takes
# and a read ends where 64 KiB end, in the middle of a frame (frames of 100
# bytes, in writes of at most 4096 bytes): the case section 4.8 completes.
PIPE_SIZE=$((1 << 20))

# enlarge_pipe: give the held FIFO $PIPE_SIZE bytes of room.
enlarge_pipe() {
  perl -e 'open(my $f, "+<", $ARGV[0]) or die "$ARGV[0]: $!\n";
    fcntl($f, 1031, 0 + $ARGV[1]) or die "$ARGV[0]: F_SETPIPE_SZ $ARGV[1]: $!\n"' "$PIPE" "$PIPE_SIZE" ||
    fail "could not make the FIFO's buffer $PIPE_SIZE bytes"
}

# start_behind_slow_stdout READER: PROG reads $PIPE, fed by a writer of
# $MESSAGES numbered messages (whole frames), with its standard output a
# pipe read by the command READER... (output to $T/reader.out). The test
# shell holds $PIPE open, so that what PROG leaves there stays.
start_behind_slow_stdout() {
  ensure_fifo
  hold_pipe
  enlarge_pipe
  numbered_messages "$T/messages" "$MESSAGES"
  open_feed out
  spawn reader "$T/out.feed" "$@"
  SPAWN_STDOUT=$T/out.feed spawn p - "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_until p "writing into its standard output's pipe" has_open p "$T/out.feed"
  close_feed out # now the subscriber and the reader are its only ends
  spawn writer - "${FRAME_WRITER[@]}" "$PIPE" "$T/messages"
  wait_until p "printing messages" test -s "$T/reader.out"
}

# signal_while_waiting SIG STATUS
signal_while_waiting() {
  spawn_prog p "$PROG" --pipe "$PIPE"
  wait_prog_waiting p "$PROG"
  signal_prog p "$1"
  finish p
  expect_status p "$2"
  assert_out_lines p
  if [[ $(prog_role "$PROG") == publisher ]]; then
    assert_err_lines p "$(waiting_notice "$PROG")"
  else
    assert_err_lines p
  fi
}

@test "SIGINT while waiting in open(): status 130" {
  signal_while_waiting INT 130
}

@test "SIGTERM while waiting in open(): status 143" {
  signal_while_waiting TERM 143
}

# account_for_messages FILE: FILE (messages printed, then left in the pipe)
# holds each of the $MESSAGES numbered messages once; if not, say which were
# lost and which came twice.
account_for_messages() {
  local report
  report=$(awk -v n="$MESSAGES" '
    { k = $2 + 0; seen[k]++ }
    END {
      for (i = 1; i <= n; i++) {
        if (!seen[i] && lost < 10) { printf "lost: message %05d\n", i; lost++ }
        if (seen[i] > 1 && twice < 10) { printf "printed twice: message %05d\n", i; twice++ }
      }
    }' "$1")
  [[ -z $report ]] || fail "$(printf 'messages lost or duplicated between the printed output and the pipe (first ten of each):\n%s\n' "$report")"
}

# assert_whole_messages FILE WHAT: every line of FILE is one of the numbered
# messages, whole: no line cut in two, its head printed or lost and its
# tail left in the pipe.
assert_whole_messages() {
  if grep -qavxE 'message [0-9]{5} x{86}' "$1"; then
    fail "$(printf '%s: lines that are not whole messages (first five):\n' "$2"; grep -navxE 'message [0-9]{5} x{86}' "$1" | head -n 5 | cut -c 1-120 | cat -A)"
  fi
}

# swallowed_or_gone NAME: NAME has ended, or is a Python program whose
# interpreter swallowed a KeyboardInterrupt while it started, and said so
# (in one of two ways; it may also say nothing).
swallowed_or_gone() {
  ! alive "$1" || {
    grep -qE '^(Exception ignored in|Failed checking if argv\[0\] is an import path entry)' "$T/$1.err" &&
      grep -q '^KeyboardInterrupt' "$T/$1.err"
  } 2>/dev/null
}

@test "SIGINT at any moment of the first 100 ms: status 130, no traceback" {
  need_perl
  local i delay
  if [[ $(prog_role "$PROG") == publisher ]]; then open_feed in; fi
  for ((i = 0; i < 40; i++)); do
    printf -v delay '0.%04d' $((i * 25)) # 0, 2.5, 5, ... 97.5 ms
    if [[ $(prog_role "$PROG") == publisher ]]; then
      spawn "p$i" "$T/in.feed" "${SIGNAL_AFTER[@]}" "$delay" "$BIN_DIR/$PROG" --pipe "$PIPE"
    else
      spawn "p$i" - "${SIGNAL_AFTER[@]}" "$delay" "$BIN_DIR/$PROG" --pipe "$PIPE"
    fi
    # Python: a Ctrl-C that lands before the program's first line may be
    # swallowed by the interpreter's start-up ("Exception ignored in ..." or
    # "Failed checking if argv[0] is an import path entry", then
    # "KeyboardInterrupt"), or without a word, by it or by the launcher's
    # shell, and the program then runs on (PROTOCOL.md section 8).
    # Running, it must stop at the next SIGINT, with status 130.
    if [[ $PROG == python-* ]]; then
      local end=$((SECONDS + HANG))
      until swallowed_or_gone "p$i" || ((SECONDS >= end)); do sleep 0.02; done
      if alive "p$i"; then
        # To the program itself: under timeout, the perl parent's child.
        local perl_pid
        perl_pid=$(pgrep -P "${PID[p$i]}") && pkill -INT -P "$perl_pid" || fail "p$i: no program to signal again"
        finish "p$i"
        expect_status "p$i" 130
        assert_out_lines "p$i"
        continue
      fi
    fi
    finish "p$i"
    # Python: a Ctrl-C before the program's first line runs may also end the
    # interpreter with its own KeyboardInterrupt message and a status of its
    # own (PROTOCOL.md section 8); from the first line on, no traceback.
    if [[ $PROG == python-* ]] && grep -qxE 'KeyboardInterrupt|Fatal Python error: .*|python: .*' "$T/p$i.err"; then
      # shellcheck disable=SC2153 # STATUS is run_fg's (lib/common.bash)
      [[ ${STATUS[p$i]} != 0 ]] || fail "p$i: status 0 after SIGINT"
      continue
    fi
    expect_status "p$i" 130
    assert_out_lines "p$i"
    assert_err_lines_but_waiting "p$i" "$PROG"
  done
}

@test "a slow standard output: after SIGINT every message is printed or left in the pipe, exactly once" {
  subscriber_only
  need_perl
  start_behind_slow_stdout "${SLOW_READER[@]}"
  signal_prog p INT
  finish p
  expect_status p 130
  assert_err_lines p
  finish reader
  expect_status reader 0

  # What the subscriber left in the pipe: a reader comes before the test
  # shell lets go of it, and reads until the writer is done.
  spawn left "$PIPE" cat
  release_pipe
  finish left
  expect_status left 0
  finish writer
  expect_status writer 0

  if grep -qav '^Received: ' "$T/reader.out"; then
    fail "$(printf 'the subscriber printed lines that are not "Received: " lines:\n'; grep -nav '^Received: ' "$T/reader.out" | head -n 5 | cat -A)"
  fi
  local printed
  printed=$(wc -l <"$T/reader.out")
  ((printed < MESSAGES)) || fail "the subscriber printed all $MESSAGES messages before SIGINT: nothing was tested"
  sed 's/^Received: //' "$T/reader.out" >"$T/printed"
  assert_whole_messages "$T/printed" "printed by the subscriber"
  assert_whole_messages "$T/left.out" "left in the pipe"
  cat "$T/printed" "$T/left.out" >"$T/accounted"
  account_for_messages "$T/accounted"
  assert_same_bytes "the messages printed ($printed), then those left in the pipe," "$T/messages" "$T/accounted"
}

# stall_stdout: the subscriber p behind a reader of its standard output that
# stops; p fills the pipe of its standard output and is left with messages
# it cannot write.
stall_stdout() {
  start_behind_slow_stdout "${SLOW_READER[@]}"
  signal_prog reader STOP
  wait_until reader "stopped" stopped reader
  wait_until p "filling its standard output's pipe" fifo_full "$T/out.feed"
}

# wait_gone WHY: wait until p has ended, bounded by $HANG, less than the
# stopped reader's own guard: when that guard ends the reader, its pipe
# breaks and a subscriber that still waited for it would end too.
wait_gone() {
  local end=$((SECONDS + HANG))
  while alive p && ((SECONDS < end)); do sleep 0.05; done
  if alive p; then
    fail "$(printf '%s did not end the subscriber within %ss while its standard output took nothing\n' "$1" "$HANG"; describe p)"
  fi
  finish p
}

@test "a stalled standard output: SIGINT then SIGTERM: the first signal gives the status, 130" {
  subscriber_only
  need_perl
  stall_stdout
  signal_prog p INT
  signal_prog p TERM
  wait_gone "SIGINT then SIGTERM"
  expect_status p 130
}

@test "a stalled standard output: one SIGTERM ends the subscriber with status 143" {
  subscriber_only
  need_perl
  stall_stdout
  signal_prog p TERM
  wait_gone "one SIGTERM"
  expect_status p 143
  # Giving up on standard output may be said in one error line about it
  # (section 5); nothing else.
  if [[ -s $T/p.err ]]; then
    if (($(wc -l <"$T/p.err") != 1)) || ! grep -qx -- "$PROG: standard output: .*" "$T/p.err"; then
      fail "$(printf 'the subscriber wrote on stderr more than one line about its standard output:\n'; head -c 2000 "$T/p.err" | cat -A)"
    fi
  fi
}
