#!/usr/bin/env bats
# lifecycle.bats: what our programs do, as a pair (PUB, SUB), beyond the
# conformance kit's cases (pair.bats runs those: who starts first, publishers
# coming and going, exit, --once, SIGINT and SIGTERM while reading): the
# publisher that starts first makes the FIFO and says once that it waits; a
# subscriber checks the path again at each end of file (a removed FIFO is
# made again, a file in its place refused); exit after a rejected line; a
# subscriber killed mid-stream is replaced without losing a message, even
# one it left unread in the pipe (PROTOCOL.md sections 3 and 4).
#
# Publishers that must outlive a moment read a feed (a FIFO the test holds),
# so lines can be sent after a subscriber died. Tests that need what the
# printf publisher or cat cannot do are skipped with the reason.
#
# tests/run runs this file once per pair; by hand:
#   PUB=go SUB=python bats tests/lifecycle.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

@test "publisher first: it makes the FIFO, says once that it waits, then sends when a subscriber comes" {
  [[ $PUB == printf ]] && ensure_fifo
  printf_lines "$T/input" "first message" "second message"
  start_pub pub "$T/input"
  wait_pub_waiting pub
  if [[ $PUB != printf ]]; then
    [[ -p $PIPE ]] || fail "$(pub_prog) is waiting but did not create the FIFO $PIPE"
    assert_err_lines pub "$(waiting_notice "$(pub_prog)")"
  fi
  start_sub sub --once
  finish pub
  finish sub

  expect_status pub 0
  [[ $PUB == printf ]] || assert_err_lines pub "$(waiting_notice "$(pub_prog)")"
  expect_status sub 0
  assert_received sub "first message" "second message"
  assert_err_lines sub
}

# connect_publisher NAME LINE...: a publisher NAME that sends LINEs and stays
# connected (reading a feed) until disconnect_publisher NAME; the lines are
# printed by SUB when it returns. For printf, which writes and exits at
# once, the test holds a write end of the FIFO in its place meanwhile.
connect_publisher() {
  local name=$1 w
  shift
  if [[ $PUB == printf ]]; then
    exec {w}<>"$PIPE"
    HELD+=("$w")
    WRITE_END[$name]=$w
    printf_lines "$T/$name.input" "$@"
    start_pub "$name" "$T/$name.input"
  else
    start_fed_pub "$name" "$@"
  fi
  [[ ${!#} == exit ]] || wait_received sub "${!#}"
}

# disconnect_publisher NAME: end of input for NAME; it exits 0, silently.
disconnect_publisher() {
  local name=$1 w=${WRITE_END[$1]:-}
  if [[ $PUB == printf ]]; then
    exec {w}>&-
    drop_held "$w"
  else
    close_feed "$name"
  fi
  finish "$name"
  expect_status "$name" 0
  [[ $PUB == printf ]] || assert_err_lines "$name"
}

# feed_publisher NAME LINE...: connect, then disconnect.
feed_publisher() {
  connect_publisher "$@"
  disconnect_publisher "$1"
}

setup() {
  common_setup
  declare -gA WRITE_END=()
}

@test "the FIFO removed while a publisher sends: the subscriber makes it again at end of file" {
  [[ $SUB == cat ]] && not_applicable "cat opens the FIFO once; checking it again at each open is a subscriber's job"
  start_sub sub
  wait_sub_ready sub
  connect_publisher pub1 "before the removal"
  rm "$PIPE"
  disconnect_publisher pub1
  # End of file: the subscriber checks the path again, makes a new FIFO and
  # waits on it.
  wait_sub_ready sub
  [[ -p $PIPE ]] || fail "the subscriber waits, but $PIPE is no FIFO"
  [[ $(stat -c %a "$PIPE") == 600 ]] || fail "the new $PIPE has mode $(stat -c %a "$PIPE"), not 600"
  feed_publisher pub2 "after the removal"
  signal_prog sub TERM
  finish sub
  expect_status sub 143
  assert_received sub "before the removal" "after the removal"
  assert_err_lines sub
}

@test "a regular file put in the FIFO's place: the subscriber refuses it at end of file" {
  [[ $SUB == cat ]] && not_applicable "cat opens the FIFO once; checking it again at each open is a subscriber's job"
  start_sub sub
  wait_sub_ready sub
  connect_publisher pub1 "before the swap"
  rm "$PIPE"
  printf 'precious data\n' >"$PIPE"
  disconnect_publisher pub1
  finish sub
  expect_status sub 1
  assert_received sub "before the swap"
  assert_err_lines sub "$(sub_prog): $PIPE: exists and is not a named pipe"
  [[ $(cat "$PIPE") == "precious data" ]] || fail "the subscriber changed the file put in place of $PIPE"
}

@test "exit after a rejected line: the publisher stops there, with status 1" {
  [[ $PUB == printf ]] && not_applicable "printf rejects nothing: it writes what it is given"
  start_sub sub --once
  wait_sub_ready sub
  {
    echo "first"
    head -c 4096 /dev/zero | tr '\0' 'x'
    printf '\nexit\nnever sent\n'
  } >"$T/input"
  start_pub pub "$T/input"
  finish pub
  finish sub

  expect_status pub 1
  assert_err_lines_but_waiting pub "$(pub_prog)" \
    "$(pub_prog): line 2: message of 4096 bytes is over the 4095-byte limit; not sent"
  expect_status sub 0
  assert_received sub "first" EXIT
}

@test "subscriber killed with SIGKILL: the publisher survives and the next subscriber gets the rest" {
  [[ $PUB == printf ]] && not_applicable "printf writes and exits: there is no long-running publisher to survive"
  local pub
  pub=$(pub_prog)
  start_sub sub1
  wait_sub_ready sub1
  start_fed_pub pub "before the kill"
  wait_received sub1 "before the kill"

  signal_prog sub1 KILL
  finish sub1
  # Nobody reads now: the next write breaks the pipe, and the publisher says
  # so and waits in open() for a new subscriber.
  feed pub "after the kill, 1"
  wait_err pub "$(broken_notice "$pub")"
  wait_pub_waiting pub
  start_sub sub2 --once
  feed pub "after the kill, 2"
  close_feed pub
  finish pub
  finish sub2

  expect_status sub1 137
  assert_received sub1 "before the kill"
  expect_status pub 0
  assert_err_lines pub "$(broken_notice "$pub")" "$(waiting_notice "$pub")"
  expect_status sub2 0
  assert_received sub2 "after the kill, 1" "after the kill, 2"
  assert_err_lines sub2
}

@test "frames left unread by a killed subscriber reach the next one" {
  [[ $PUB == printf ]] && not_applicable "printf writes and exits: there is no long-running publisher to survive"
  command -v perl >/dev/null || skip "perl is needed to ask the pipe how much it holds"
  local pub
  pub=$(pub_prog)
  start_sub sub1
  wait_sub_ready sub1
  start_fed_pub pub "read by the first"
  wait_received sub1 "read by the first"

  # Stop the subscriber, let the publisher put two frames in the pipe, and
  # kill the subscriber before it read them. The publisher keeps its end
  # open while it waits for the next subscriber, so the pipe keeps them.
  signal_prog sub1 STOP
  wait_until sub1 "stopped" stopped sub1
  feed pub "unread 1" "unread 2"
  # shellcheck disable=SC2016 # evaluated at each poll
  wait_until pub "done writing 18 bytes that stay unread" eval '[[ $(pipe_unread) == 18 ]]'
  signal_prog sub1 KILL
  finish sub1
  feed pub "after the kill"
  wait_err pub "$(broken_notice "$pub")"
  wait_pub_waiting pub
  start_sub sub2 --once
  close_feed pub
  finish pub
  finish sub2

  expect_status sub1 137
  expect_status pub 0
  assert_err_lines pub "$(broken_notice "$pub")" "$(waiting_notice "$pub")"
  expect_status sub2 0
  assert_received sub2 "unread 1" "unread 2" "after the kill"
  assert_err_lines sub2
}
