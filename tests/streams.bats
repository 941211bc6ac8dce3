#!/usr/bin/env bats
# streams.bats: one program, PROG, when its own standard streams fail
# (PROTOCOL.md section 5): output that cannot be written (a full device) or
# input that cannot be read (a directory) ends it with status 1 and exactly
# one error line naming the stream and the system's error text; no crash, no
# traceback, no silent success. A subscriber whose standard output's reader
# went away gets EPIPE, not a silent death by SIGPIPE (section 4.9).
#
# Standard streams kept off the pipe (section 3.0): a program started with
# descriptor 0, 1 or 2 closed would get the FIFO on it, and its own error
# lines, prompt or output would go into the pipe. Started so, every program
# still works, and the pipe (held open by the test shell, then drained)
# carries nothing but frames.
#
# tests/run runs this file once per program in bin/; by hand:
#   PROG=python-subscriber bats tests/streams.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"
load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/behaviour-pipes"
load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/behaviour-terminal"

teardown() {
  [[ -z ${SOCK:-} ]] || term_teardown
  common_teardown
}

publisher_only() {
  if [[ $(prog_role "$PROG") != publisher ]]; then not_applicable "a subscriber reads no standard input and prints no prompt"; fi
}

subscriber_only() {
  if [[ $(prog_role "$PROG") != subscriber ]]; then not_applicable "a publisher writes nothing on stdout when stdin is no terminal"; fi
}

# assert_pipe_holds BYTES WHAT: what is left in the held FIFO is BYTES.
assert_pipe_holds() {
  pipe_drain "$T/left"
  printf '%s' "$1" >"$T/want-left"
  assert_same_bytes "$2" "$T/want-left" "$T/left"
}

@test "--help into a full standard output: status 1, one error line" {
  SPAWN_STDOUT=/dev/full run_fg p - "$BIN_DIR/$PROG" --help
  expect_status p 1
  assert_err_lines p "$PROG: standard output: No space left on device"
}

@test "a subscriber whose standard output is full: status 1, one error line" {
  [[ $(prog_role "$PROG") == subscriber ]] || not_applicable "a publisher writes nothing on stdout when stdin is no terminal"
  SPAWN_STDOUT=/dev/full spawn sub - "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_sub_ready sub
  # shellcheck disable=SC2016 # expanded by the inner bash
  run_fg writer - bash -c 'printf "hello\n" >"$1"' writer "$PIPE"
  finish sub
  expect_status sub 1
  assert_err_lines sub "$PROG: standard output: No space left on device"
}

@test "a publisher whose standard input cannot be read: status 1, one error line" {
  [[ $(prog_role "$PROG") == publisher ]] || not_applicable "a subscriber reads no standard input"
  mkdir "$T/dir"
  ensure_fifo
  spawn sub - cat "$PIPE"
  wait_sub_ready sub
  run_fg pub "$T/dir" "$BIN_DIR/$PROG" --pipe "$PIPE"
  if [[ $PROG == python-* ]]; then
    # Python itself refuses to start with a directory as standard input,
    # with its own message (PROTOCOL.md section 8), before it opens the
    # pipe: cat, still waiting in open(), is let go.
    # shellcheck disable=SC2153 # STATUS is run_fg's (lib/common.bash)
    [[ ${STATUS[pub]} != 0 ]] || fail "$PROG started with a directory as standard input"
    : >"$PIPE"
  else
    expect_status pub 1
    assert_err_lines pub "$PROG: standard input: Is a directory"
  fi
  finish sub
  assert_out_lines pub
  expect_status sub 0
  assert_out_lines sub
}

@test "--version with standard input a directory: works" {
  [[ $PROG != python-* ]] || not_applicable "Python itself refuses to start with a directory as standard input (PROTOCOL.md section 8)"
  mkdir "$T/dir"
  run_fg p "$T/dir" "$BIN_DIR/$PROG" --version
  expect_status p 0
  assert_out_lines p "$PROG 1.0.0"
  assert_err_lines p
}

@test "a publisher with stderr closed that rejects a line: only frames in the pipe, status 1" {
  publisher_only
  need_perl
  ensure_fifo
  hold_pipe
  { printf 'hello\n'; printf '%05000d\n' 0; } >"$T/input"
  pipe_collect
  run_fg p "$T/input" "${CLOSING[@]}" 2 "$BIN_DIR/$PROG" --pipe "$PIPE"
  expect_status p 1
  assert_out_lines p
  assert_pipe_holds $'hello\n' "the pipe (the publisher's error line must not be in it)"
}

@test "a publisher with stdout closed that rejects a line: only frames in the pipe, status 1" {
  publisher_only
  need_perl
  ensure_fifo
  hold_pipe
  { printf 'hello\n'; printf '%05000d\n' 0; } >"$T/input"
  pipe_collect
  run_fg p "$T/input" "${CLOSING[@]}" 1 "$BIN_DIR/$PROG" --pipe "$PIPE"
  expect_status p 1
  assert_err_lines_but_waiting p "$PROG" "$PROG: line 2: message of 5000 bytes is over the 4095-byte limit; not sent"
  assert_pipe_holds $'hello\n' "the pipe"
}

@test "a publisher in a terminal with stdout closed: no prompt in the pipe" {
  publisher_only
  need_perl
  term_setup
  ensure_fifo
  hold_pipe
  in_pane publisher "$(printf '%q ' "$BIN_DIR/$PROG" --pipe "$PIPE") >&- 2>$(printf '%q' "$T/p.err")"
  type_line "hello"
  wait_until_pipe_holds 6
  pipe_collect
  type_line "exit"
  [[ $(pane_status publisher) == 0 ]] ||
    fail "$(printf 'the publisher exited with status %s, not 0; its stderr:\n' "$(<"$T/publisher.status")"; cat "$T/p.err")"
  assert_err_lines_but_waiting p "$PROG"
  assert_pipe_holds $'hello\nexit\n' "the pipe (the prompt must not be in it)"
}

@test "a publisher with stdin closed: empty input, status 0, nothing in the pipe" {
  publisher_only
  need_perl
  ensure_fifo
  hold_pipe
  run_fg p - "${CLOSING[@]}" 0 "$BIN_DIR/$PROG" --pipe "$PIPE"
  expect_status p 0
  assert_out_lines p
  assert_err_lines_but_waiting p "$PROG"
  assert_pipe_holds "" "the pipe"
}

@test "a subscriber with stdin closed: works" {
  subscriber_only
  need_perl
  ensure_fifo
  hold_pipe
  printf 'hello\nexit\n' >&"$PIPE_FD"
  run_fg p - "${CLOSING[@]}" 0 "$BIN_DIR/$PROG" --pipe "$PIPE"
  expect_status p 0
  assert_out_lines p "Received: hello" "Exiting..."
  assert_err_lines p
  assert_pipe_holds "" "the pipe"
}

@test "a subscriber with stderr closed that discards a frame: prints the rest, nothing into the pipe" {
  subscriber_only
  need_perl
  ensure_fifo
  hold_pipe
  { printf 'before\n'; printf '%05000d\n' 0; printf 'after\nexit\n'; } >&"$PIPE_FD"
  run_fg p - "${CLOSING[@]}" 2 "$BIN_DIR/$PROG" --pipe "$PIPE"
  expect_status p 0
  assert_out_lines p "Received: before" "Received: after" "Exiting..."
  assert_pipe_holds "" "the pipe (the subscriber's error line must not be in it)"
}

@test "a subscriber with stdout and stderr closed: works, status 0 at exit, nothing into the pipe" {
  subscriber_only
  need_perl
  ensure_fifo
  hold_pipe
  printf 'hello\nexit\n' >&"$PIPE_FD"
  run_fg p - "${CLOSING[@]}" "1 2" "$BIN_DIR/$PROG" --pipe "$PIPE"
  expect_status p 0
  assert_pipe_holds "" "the pipe (the subscriber's output must not be in it)"
}

@test "a subscriber whose stdout reader went away: Broken pipe, status 1" {
  subscriber_only
  ensure_fifo
  hold_pipe
  # Standard output is a pipe whose only reader takes one line and exits.
  open_feed out
  spawn reader "$T/out.feed" head -n 1
  SPAWN_STDOUT=$T/out.feed spawn p - "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_until p "writing into its standard output's pipe" has_open p "$T/out.feed"
  close_feed out # now the subscriber and head are its only ends
  printf 'first\n' >&"$PIPE_FD"
  finish reader
  expect_status reader 0
  assert_out_lines reader "Received: first"
  printf 'second\n' >&"$PIPE_FD"
  finish p
  expect_status p 1
  assert_err_lines p "$PROG: standard output: Broken pipe"
}
