#!/usr/bin/env bats
# edges-subscriber.bats: a subscriber, PROG, follows its path (PROTOCOL.md
# 4.7 and 8). While it waits for a publisher, before the first or between
# two, it notices within about a second when the path no longer names the
# FIFO it holds open -- removed, made again, or replaced by something else --
# runs the FIFO checks again and moves to what is there now. Scripts that
# run `rm -f P; mkfifo P` (pipe-io-server does at start) then still reach it.
# The publisher is the C reference.
#
# tests/run runs this file once per subscriber in bin/; by hand:
#   PROG=go-subscriber bats tests/edges-subscriber.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

@test "the FIFO removed before the first publisher is made again, and the next publisher's message arrives" {
  spawn sub - "$BIN_DIR/$PROG" --pipe "$PIPE" --once --raw
  wait_sub_ready sub
  rm "$PIPE"
  printf_lines "$T/in" hi
  spawn pub "$T/in" "$BIN_DIR/c-publisher" --pipe "$PIPE"
  finish sub
  expect_status sub 0
  assert_out_lines sub hi
  finish pub
  expect_status pub 0
}

@test "the FIFO made again between publishers is followed; nothing is lost" {
  spawn sub - "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_sub_ready sub
  printf_lines "$T/one" one
  run_fg first "$T/one" "$BIN_DIR/c-publisher" --pipe "$PIPE"
  expect_status first 0
  wait_out sub "Received: one"
  remake_fifo
  # The subscriber holds the new FIFO within about a second; the publisher
  # finds it there whether it comes before or after.
  printf_lines "$T/two" two exit
  run_fg second "$T/two" "$BIN_DIR/c-publisher" --pipe "$PIPE"
  expect_status second 0
  finish sub
  expect_status sub 0
  assert_out_lines sub "Received: one" "Received: two" "Exiting..."
}

@test "the FIFO replaced by a regular file while it waits: one error line, status 1" {
  spawn sub - "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_sub_ready sub
  # In one step (rename), so that the subscriber cannot make the FIFO again
  # between a removal and the file's creation.
  echo "not a pipe" >"$T/file"
  mv -f "$T/file" "$PIPE"
  finish sub
  expect_status sub 1
  assert_err_lines sub "$PROG: $PIPE: exists and is not a named pipe"
  assert_out_lines sub
  # The checks change nothing: the file is as it was.
  [[ -f $PIPE && $(<"$PIPE") == "not a pipe" ]] || fail "$PIPE was changed"
}

@test "a silent publisher connected: the FIFO made again does not move the subscriber from it" {
  # The subscriber follows its path only while it waits for a publisher;
  # once one is connected it stays, and the publisher's later lines reach
  # it on the FIFO they share (no broken pipe on the publisher's side).
  spawn sub - "$BIN_DIR/$PROG" --pipe "$PIPE" --raw
  wait_sub_ready sub
  open_feed in
  spawn pub "$T/in.feed" "$BIN_DIR/c-publisher" --pipe "$PIPE"
  wait_until pub "connected to $PIPE" has_open pub "$PIPE"
  remake_fifo
  # Long enough for two of the subscriber's once-a-second looks at its path.
  sleep 2.5
  feed in late exit
  close_feed in
  finish pub
  expect_status pub 0
  assert_err_lines pub
  finish sub
  expect_status sub 0
  assert_out_lines sub late exit
}
