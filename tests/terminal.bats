#!/usr/bin/env bats
# terminal.bats: the publisher PUB used by a person at a terminal, with SUB
# reading (PROTOCOL.md section 3.3). In a real terminal (a tmux pane on a
# private server) the prompt `Enter message to send: ` shows before each
# line, typed lines reach the subscriber as they are typed, `exit` ends both
# programs, and Ctrl-C ends the publisher with status 130. With a file as
# standard input no prompt is printed, even though stdout is a terminal.
# Lines typed while the publisher still waits for a subscriber are sent
# without a prompt each, so prompts never pile up on one line.
#
# The subscriber SUB in a terminal (section 4.2): with standard error a
# terminal it says once that it waits for a publisher; with standard error a
# file it says nothing.
#
# The terminal is lib/behaviour-terminal.bash: a tmux pane running a small
# script under a hang guard; every wait polls the pane or a file with a
# bound, and teardown kills the pane's processes and the tmux server.
#
# tests/run runs this file once per pair; by hand:
#   PUB=go SUB=python bats tests/terminal.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"
load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/behaviour-terminal"

setup() {
  common_setup
  term_setup
}

# typing_publisher: skip the publisher's terminal tests for printf.
typing_publisher() {
  if [[ $PUB == printf ]]; then not_applicable "printf is not interactive: it reads no terminal"; fi
}

# speaking_subscriber: skip the subscriber's terminal tests for cat.
speaking_subscriber() {
  if [[ $SUB == cat ]]; then not_applicable "cat says nothing while it waits for a writer"; fi
}

teardown() {
  term_teardown
  common_teardown
}

# in_terminal [STDIN]: run PUB in a new terminal (a tmux pane) with its
# stderr to $T/pub.err, reading STDIN if given, else the terminal; after it,
# the script writes its status to $T/publisher.status and prints
# "publisher exited with status N".
in_terminal() {
  local redirect=
  [[ -n ${1:-} ]] && redirect="<$(printf '%q' "$1")"
  in_pane publisher "$(printf '%q ' "$BIN_DIR/$PUB-publisher" --pipe "$PIPE") 2>$(printf '%q' "$T/pub.err") $redirect"
}

# publisher_status: wait for the script's record of the publisher's status.
publisher_status() { pane_status publisher; }

@test "in a terminal: prompt before each line, typed lines arrive, exit ends both" {
  typing_publisher
  start_sub sub
  wait_sub_ready sub
  in_terminal
  wait_pane_count "$SHOWN" 1
  type_line "hello from a terminal"
  wait_received sub "hello from a terminal"
  wait_pane_count "$SHOWN" 2
  type_line "exit"
  [[ $(publisher_status) == 0 ]] ||
    fail "$(printf 'the publisher exited with status %s after exit, not 0; its stderr:\n' "$(<"$T/publisher.status")"; cat "$T/pub.err")"
  finish sub
  expect_status sub 0
  assert_received sub "hello from a terminal" EXIT
  assert_err_lines sub
  assert_same_bytes "the publisher's stderr" /dev/null "$T/pub.err"

  wait_pane_count "publisher exited with status" 1
  pane >"$T/pane"
  printf '%s\n' "${PROMPT}hello from a terminal" "${PROMPT}exit" \
    "publisher exited with status 0" >"$T/want-pane"
  assert_same_bytes "the terminal's text" "$T/want-pane" "$T/pane"
}

# one_line_then KEY LINE STATUS: PUB in a terminal, SUB --once reading; a
# person types LINE, sees it arrive and the next prompt, then presses KEY;
# the publisher must exit with STATUS.
one_line_then() {
  typing_publisher
  start_sub sub --once
  wait_sub_ready sub
  in_terminal
  wait_pane_count "$SHOWN" 1
  type_line "$2"
  wait_received sub "$2"
  wait_pane_count "$SHOWN" 2
  tmx send-keys -t t "$1"
  [[ $(publisher_status) == "$3" ]] ||
    fail "$(printf 'the publisher exited with status %s after %s, not %s; its stderr:\n' "$(<"$T/publisher.status")" "$1" "$3"; cat "$T/pub.err")"
}

@test "in a terminal: Ctrl-C ends the publisher with status 130" {
  one_line_then C-c "before Ctrl-C" 130
  finish sub # the publisher is gone: end of file
  expect_status sub 0
  assert_received sub "before Ctrl-C"
}

@test "in a terminal: Ctrl-D ends the input; the shell's next line starts on a line of its own" {
  one_line_then C-d "before Ctrl-D" 0
  finish sub
  expect_status sub 0
  assert_received sub "before Ctrl-D"
  # The prompt the person answered with Ctrl-D is followed by a newline, so
  # what comes next (here the script's line; a shell's prompt) starts a line.
  wait_pane_count "publisher exited with status" 1
  pane >"$T/pane"
  printf '%s\n' "${PROMPT}before Ctrl-D" "${PROMPT}" "publisher exited with status 0" >"$T/want-pane"
  sed 's/ *$//' "$T/pane" >"$T/pane-trimmed"
  sed 's/ *$//' "$T/want-pane" >"$T/want-trimmed"
  assert_same_bytes "the terminal's text" "$T/want-trimmed" "$T/pane-trimmed"
}

@test "standard input a file, stdout a terminal: no prompt" {
  typing_publisher
  start_sub sub --once
  wait_sub_ready sub
  printf_lines "$T/input" "first from a file" "second from a file"
  in_terminal "$T/input"
  [[ $(publisher_status) == 0 ]] || fail "the publisher exited with status $(<"$T/publisher.status"), not 0"
  finish sub
  expect_status sub 0
  assert_received sub "first from a file" "second from a file"

  # The status line comes after all the publisher wrote to the terminal.
  wait_pane_count "publisher exited with status" 1
  pane >"$T/pane"
  printf '%s\n' "publisher exited with status 0" >"$T/want-pane"
  assert_same_bytes "the terminal's text" "$T/want-pane" "$T/pane"
}

@test "in a terminal: lines typed while the publisher waits arrive in order, with no doubled prompt" {
  typing_publisher
  in_terminal
  wait_file_line "$T/pub.err" "$(waiting_notice "$(pub_prog)")" "the publisher's stderr"
  type_line "typed while waiting 1"
  type_line "typed while waiting 2"
  wait_pane_count "typed while waiting 2" 1 # both are in the terminal's queue
  start_sub sub
  wait_received sub "typed while waiting 2"
  wait_pane_count "$SHOWN" 1 # the prompt for the next line, once
  type_line "exit"
  [[ $(publisher_status) == 0 ]] ||
    fail "$(printf 'the publisher exited with status %s after exit, not 0; its stderr:\n' "$(<"$T/publisher.status")"; cat "$T/pub.err")"
  finish sub
  expect_status sub 0
  assert_received sub "typed while waiting 1" "typed while waiting 2" EXIT
  assert_err_lines sub
  printf '%s\n' "$(waiting_notice "$(pub_prog)")" >"$T/want-pub-err"
  assert_same_bytes "the publisher's stderr" "$T/want-pub-err" "$T/pub.err"

  wait_pane_count "publisher exited with status" 1
  if pane | grep -qF -- "$PROMPT$SHOWN"; then
    fail "$(printf 'the terminal shows the prompt twice in a row:\n'; pane)"
  fi
  assert_pane "typed while waiting 1" "typed while waiting 2" "${PROMPT}exit" "publisher exited with status 0"
}

@test "in a terminal: exit typed while the publisher waits ends both when a subscriber comes" {
  typing_publisher
  in_terminal
  wait_file_line "$T/pub.err" "$(waiting_notice "$(pub_prog)")" "the publisher's stderr"
  type_line "hello before anyone listens"
  type_line "exit"
  wait_pane_count "exit" 1
  start_sub sub
  [[ $(publisher_status) == 0 ]] ||
    fail "$(printf 'the publisher exited with status %s after exit, not 0; its stderr:\n' "$(<"$T/publisher.status")"; cat "$T/pub.err")"
  finish sub
  expect_status sub 0
  assert_received sub "hello before anyone listens" EXIT
  assert_err_lines sub

  # exit was the last line: the publisher never waited for the person again.
  wait_pane_count "publisher exited with status" 1
  assert_pane "hello before anyone listens" "exit" "publisher exited with status 0"
}

@test "subscriber in a terminal: it says once that it waits for a publisher" {
  speaking_subscriber
  local sub
  sub=$(sub_prog)
  in_pane subscriber "$(printf '%q ' "$BIN_DIR/$sub" --pipe "$PIPE")"
  wait_pane_count "$sub: $PIPE: waiting for a publisher" 1
  printf_lines "$T/input1" "from the first publisher"
  start_pub pub1 "$T/input1"
  finish pub1
  expect_status pub1 0
  wait_pane_count "Received: from the first publisher" 1
  # The first publisher has gone: the subscriber waits again, silently.
  printf_lines "$T/input2" "from the second publisher" "exit"
  start_pub pub2 "$T/input2"
  finish pub2
  expect_status pub2 0
  [[ $(pane_status subscriber) == 0 ]] ||
    fail "$(printf 'the subscriber exited with status %s, not 0; the terminal shows:\n' "$(<"$T/subscriber.status")"; pane)"
  wait_pane_count "subscriber exited with status" 1
  assert_pane "$sub: $PIPE: waiting for a publisher" "Received: from the first publisher" \
    "Received: from the second publisher" "Exiting..." "subscriber exited with status 0"
}

@test "subscriber with stdout a terminal and stderr a file: no waiting notice" {
  speaking_subscriber
  in_pane subscriber "$(printf '%q ' "$BIN_DIR/$(sub_prog)" --pipe "$PIPE") 2>$(printf '%q' "$T/sub.err")"
  printf_lines "$T/input" "hello" "exit"
  start_pub pub "$T/input" # waits in open() until the subscriber is there
  finish pub
  expect_status pub 0
  [[ $(pane_status subscriber) == 0 ]] ||
    fail "$(printf 'the subscriber exited with status %s, not 0; the terminal shows:\n' "$(<"$T/subscriber.status")"; pane)"
  assert_same_bytes "the subscriber's stderr" /dev/null "$T/sub.err"
  wait_pane_count "subscriber exited with status" 1
  assert_pane "Received: hello" "Exiting..." "subscriber exited with status 0"
}
