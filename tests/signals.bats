#!/usr/bin/env bats
# signals.bats: SIGINT and SIGTERM end one program, PROG, while it waits in
# open() for the other end of the FIFO, with status 130 and 143 (PROTOCOL.md
# section 1), no output and no error line; a publisher has only said that it
# waits. (Signals while a program reads are in lifecycle.bats, per pair.)
#
# tests/run runs this file once per program in bin/; by hand:
#   PROG=c-subscriber bats tests/signals.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

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
