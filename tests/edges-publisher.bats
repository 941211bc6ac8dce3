#!/usr/bin/env bats
# edges-publisher.bats: delivery at the edges of a publisher's life, for one
# publisher, PROG (PROTOCOL.md 3.2, 3.7 and 8); the subscriber is the C
# reference.
#
# - Waiting for a subscriber in open(), it ends up on the FIFO that is at the
#   path when the subscriber comes, even if the FIFO was removed or made
#   again meanwhile.
# - At the end of its input (and after exit) it waits until the pipe is empty
#   before it closes it: frames still in the kernel's buffer survive a
#   subscriber that is stalled, killed and restarted meanwhile. When that
#   takes more than a moment it says so once; SIGTERM still ends it at once.
#
# tests/run runs this file once per publisher in bin/; by hand:
#   PROG=go-publisher bats tests/edges-publisher.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

# While the publisher waits in open() for a subscriber, the command given
# changes the path; a subscriber that comes then gets the message.
delivered_after() {
  printf_lines "$T/in" hello
  spawn pub "$T/in" "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_pub_waiting pub "$PIPE" "$PROG"
  "$@"
  spawn sub - "$BIN_DIR/c-subscriber" --pipe "$PIPE" --once --raw
  finish pub
  expect_status pub 0
  finish sub
  expect_status sub 0
  assert_out_lines sub hello
}

@test "the FIFO made again while it waits in open(): it ends up on the new one" {
  delivered_after remake_fifo
}

@test "the FIFO removed while it waits in open() is made again; a subscriber that comes gets the message" {
  delivered_after rm "$PIPE"
}

# A subscriber that is stopped before it reads anything: the publisher's
# frames all sit in the pipe's buffer when its input ends.
stalled_sub() {
  spawn stalled - "$BIN_DIR/c-subscriber" --pipe "$PIPE" --raw
  wait_sub_ready stalled
  signal_prog stalled STOP
  wait_until stalled "stopped" stopped stalled
}

@test "at the end of input it waits until the pipe is empty; a restarted subscriber gets all 5000 messages" {
  stalled_sub
  seq 5000 >"$T/in"
  spawn pub "$T/in" "$BIN_DIR/$PROG" --pipe "$PIPE"
  local bytes
  bytes=$(wc -c <"$T/in")
  # Said once, after a moment: how many bytes wait for a subscriber.
  wait_err pub "$PROG: $PIPE: waiting for a subscriber to take $bytes bytes"
  assert_alive pub "while its frames were still in the pipe"
  signal_prog stalled KILL
  finish stalled
  spawn sub - "$BIN_DIR/c-subscriber" --pipe "$PIPE" --once --raw
  finish pub
  expect_status pub 0
  finish sub
  expect_status sub 0
  assert_same_bytes "the restarted subscriber's stdout" "$T/in" "$T/sub.out"
  assert_err_lines pub "$PROG: $PIPE: waiting for a subscriber to take $bytes bytes"
}

@test "after exit it also waits until the pipe is empty" {
  stalled_sub
  printf_lines "$T/in" a b exit never
  spawn pub "$T/in" "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_err pub "$PROG: $PIPE: waiting for a subscriber to take 9 bytes"
  signal_prog stalled KILL
  finish stalled
  spawn sub - "$BIN_DIR/c-subscriber" --pipe "$PIPE" --raw
  finish pub
  expect_status pub 0
  finish sub
  expect_status sub 0
  assert_out_lines sub a b exit
}

@test "SIGTERM while it waits for the pipe to empty ends it at once, status 143" {
  stalled_sub
  printf_lines "$T/in" a b
  spawn pub "$T/in" "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_err pub "$PROG: $PIPE: waiting for a subscriber to take 4 bytes"
  signal_prog pub TERM
  finish pub
  expect_status pub 143
}

@test "a subscriber that reads everything at once: no notice, status 0" {
  spawn sub - "$BIN_DIR/c-subscriber" --pipe "$PIPE" --once --raw
  wait_sub_ready sub
  seq 2000 >"$T/in"
  run_fg pub "$T/in" "$BIN_DIR/$PROG" --pipe "$PIPE"
  expect_status pub 0
  assert_err_lines pub
  finish sub
  assert_same_bytes "the subscriber's stdout" "$T/in" "$T/sub.out"
}
