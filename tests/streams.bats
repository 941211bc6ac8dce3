#!/usr/bin/env bats
# streams.bats: one program, PROG, when its own standard streams fail
# (PROTOCOL.md section 5): output that cannot be written (a full device) or
# input that cannot be read (a directory) ends it with status 1 and exactly
# one error line naming the stream and the system's error text; no crash, no
# traceback, no silent success.
#
# tests/run runs this file once per program in bin/; by hand:
#   PROG=python-subscriber bats tests/streams.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

@test "--help into a full standard output: status 1, one error line" {
  SPAWN_STDOUT=/dev/full run_fg p - "$BIN_DIR/$PROG" --help
  expect_status p 1
  assert_err_lines p "$PROG: standard output: No space left on device"
}

@test "a subscriber whose standard output is full: status 1, one error line" {
  [[ $(prog_role "$PROG") == subscriber ]] || skip "a publisher writes nothing on stdout when stdin is no terminal"
  SPAWN_STDOUT=/dev/full spawn sub - "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_sub_ready sub
  run_fg writer - bash -c 'printf "hello\n" >"$1"' writer "$PIPE"
  finish sub
  expect_status sub 1
  assert_err_lines sub "$PROG: standard output: No space left on device"
}

@test "a publisher whose standard input cannot be read: status 1, one error line" {
  [[ $(prog_role "$PROG") == publisher ]] || skip "a subscriber reads no standard input"
  mkdir "$T/dir"
  ensure_fifo
  spawn sub - cat "$PIPE"
  wait_sub_ready sub
  run_fg pub "$T/dir" "$BIN_DIR/$PROG" --pipe "$PIPE"
  finish sub
  expect_status pub 1
  assert_err_lines pub "$PROG: standard input: Is a directory"
  assert_out_lines pub
  expect_status sub 0
  assert_out_lines sub
}
