#!/usr/bin/env bats
# terminal.bats: the publisher PUB used by a person at a terminal, with SUB
# reading (PROTOCOL.md section 3.3). In a real terminal (a tmux pane on a
# private server) the prompt `Enter message to send: ` shows before each
# line, typed lines reach the subscriber as they are typed, `exit` ends both
# programs, and Ctrl-C ends the publisher with status 130. With a file as
# standard input no prompt is printed, even though stdout is a terminal.
#
# The pane runs a small script under `timeout --foreground` (a hang guard
# that leaves the publisher in the terminal's foreground process group);
# every wait polls the pane or a file with a bound, and teardown kills the
# pane's processes and the tmux server.
#
# tests/run runs this file once per pair; by hand:
#   PUB=go SUB=python bats tests/terminal.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

PROMPT='Enter message to send: '
# capture-pane drops trailing spaces: the prompt as it shows before typing.
SHOWN=${PROMPT% }

setup() {
  common_setup
  [[ $PUB == printf ]] && skip "printf is not interactive: it reads no terminal"
  command -v tmux >/dev/null || skip "tmux is not installed"
  SOCK="fifo-pubsub-$$-$BATS_TEST_NUMBER"
}

teardown() {
  local pane
  pane=$(tmx list-panes -t t -F '#{pane_pid}' 2>/dev/null) || true
  if [[ -n $pane ]]; then
    descendants "$pane"
    kill -KILL "${DESC[@]}" "$pane" 2>/dev/null || true
  fi
  tmx kill-server 2>/dev/null || true
  common_teardown
}

# tmx ARGS...: tmux on this test's own server, never the user's.
tmx() { timeout 10 env -u TMUX tmux -L "$SOCK" -f /dev/null "$@" 3>&-; }

# in_terminal [STDIN]: run PUB in a new terminal (a tmux pane) with its
# stderr to $T/pub.err, reading STDIN if given, else the terminal; after it,
# the script writes its status to $T/pub.status and prints a line saying so.
in_terminal() {
  local redirect=
  [[ -n ${1:-} ]] && redirect="<$(printf '%q' "$1")"
  cat >"$T/term.sh" <<EOF
trap true INT # the script outlives a Ctrl-C meant for the publisher
$(printf '%q' "$BIN_DIR/$PUB-publisher") --pipe $(printf '%q' "$PIPE") 2>$(printf '%q' "$T/pub.err") $redirect
status=\$?
echo \$status >$(printf '%q' "$T/pub.status")
echo "publisher exited with status \$status"
exec sleep $((2 * HANG)) # keeps the pane for capture-pane
EOF
  tmx new-session -d -s t -x 150 -y 40 "timeout --foreground $((2 * HANG)) bash $(printf '%q' "$T/term.sh")"
}

# pane: the terminal's text, trailing blank lines left out.
pane() { tmx capture-pane -p -t t | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }

# wait_pane_count TEXT N: wait until TEXT shows N times or more in the pane.
wait_pane_count() {
  local end=$((SECONDS + HANG)) n
  while ((SECONDS < end)); do
    n=$(pane | grep -oF -- "$1" | wc -l)
    ((n >= $2)) && return 0
    sleep 0.05
  done
  fail "$(printf 'waited %ss for %q to show %s times in the terminal; it shows:\n' "$HANG" "$1" "$2"; pane)"
}

# type_line TEXT: type TEXT and Enter, as a person would.
type_line() {
  tmx send-keys -t t -l "$1"
  tmx send-keys -t t Enter
}

# publisher_status: wait for the script's record of the publisher's status.
publisher_status() {
  local end=$((SECONDS + HANG))
  while ((SECONDS < end)); do
    [[ -s $T/pub.status ]] && { cat "$T/pub.status"; return 0; }
    sleep 0.05
  done
  fail "$(printf 'the publisher in the terminal did not end within %ss; the terminal shows:\n' "$HANG"; pane)"
}

@test "in a terminal: prompt before each line, typed lines arrive, exit ends both" {
  start_sub sub
  wait_sub_ready sub
  in_terminal
  wait_pane_count "$SHOWN" 1
  type_line "hello from a terminal"
  wait_received sub "hello from a terminal"
  wait_pane_count "$SHOWN" 2
  type_line "exit"
  [[ $(publisher_status) == 0 ]] ||
    fail "$(printf 'the publisher exited with status %s after exit, not 0; its stderr:\n' "$(<"$T/pub.status")"; cat "$T/pub.err")"
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

@test "in a terminal: Ctrl-C ends the publisher with status 130" {
  start_sub sub --once
  wait_sub_ready sub
  in_terminal
  wait_pane_count "$SHOWN" 1
  type_line "before Ctrl-C"
  wait_received sub "before Ctrl-C"
  wait_pane_count "$SHOWN" 2
  tmx send-keys -t t C-c
  [[ $(publisher_status) == 130 ]] ||
    fail "$(printf 'the publisher exited with status %s after Ctrl-C, not 130; its stderr:\n' "$(<"$T/pub.status")"; cat "$T/pub.err")"
  finish sub # the publisher is gone: end of file
  expect_status sub 0
  assert_received sub "before Ctrl-C"
}

@test "standard input a file, stdout a terminal: no prompt" {
  start_sub sub --once
  wait_sub_ready sub
  printf_lines "$T/input" "first from a file" "second from a file"
  in_terminal "$T/input"
  [[ $(publisher_status) == 0 ]] || fail "the publisher exited with status $(<"$T/pub.status"), not 0"
  finish sub
  expect_status sub 0
  assert_received sub "first from a file" "second from a file"

  # The status line comes after all the publisher wrote to the terminal.
  wait_pane_count "publisher exited with status" 1
  pane >"$T/pane"
  printf '%s\n' "publisher exited with status 0" >"$T/want-pane"
  assert_same_bytes "the terminal's text" "$T/want-pane" "$T/pane"
}
