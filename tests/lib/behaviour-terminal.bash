# tests/lib/behaviour-terminal.bash: a real terminal for a program, as a
# person would use it: a tmux pane on the test's own private server.
#
# The pane runs a small script under `timeout --foreground` (a hang guard
# that leaves the program in the terminal's foreground process group). After
# the program the script records its exit status and prints a line saying
# so, then keeps the pane for capture-pane. Every wait polls the pane or a
# file with a bound; term_teardown kills the pane's processes and the server.
#
# Load it after lib/common.bash; call term_setup from setup and
# term_teardown from teardown.

PROMPT='Enter message to send: '
# capture-pane drops trailing spaces: the prompt as it shows before typing.
# shellcheck disable=SC2034 # used by the test files
SHOWN=${PROMPT% }

# term_setup: skip, saying why, without tmux; name this test's server.
term_setup() {
  command -v tmux >/dev/null || skip "tmux is not installed"
  # The server's socket in the test's own folder, which bats removes: no
  # socket is left in tmux's folder in /tmp, whatever happens.
  SOCK="$T/tmux.sock"
}

term_teardown() {
  local pane
  pane=$(tmx list-panes -t t -F '#{pane_pid}' 2>/dev/null) || true
  if [[ -n $pane ]]; then
    descendants "$pane"
    kill -KILL "${DESC[@]}" "$pane" 2>/dev/null || true
  fi
  tmx kill-server 2>/dev/null || true
}

# tmx ARGS...: tmux on this test's own server, never the user's.
tmx() { timeout 10 env -u TMUX tmux -S "$SOCK" -f /dev/null "$@" 3>&-; }

# in_pane WHO COMMAND: run the shell command line COMMAND (quote its words
# with printf %q) in a new terminal; afterwards the script writes its status
# to $T/WHO.status and prints "WHO exited with status N".
in_pane() {
  local who=$1
  cat >"$T/$who-term.sh" <<EOF
trap true INT # the script outlives a Ctrl-C meant for the program
$2
status=\$?
echo \$status >$(printf '%q' "$T/$who.status")
echo "$who exited with status \$status"
exec sleep $((2 * HANG)) # keeps the pane for capture-pane
EOF
  tmx new-session -d -s t -x 150 -y 40 "timeout --foreground $((2 * HANG)) bash $(printf '%q' "$T/$who-term.sh")"
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

# pane_status WHO: wait for the script's record of WHO's exit status.
pane_status() {
  local end=$((SECONDS + HANG))
  while ((SECONDS < end)); do
    [[ -s $T/$1.status ]] && { cat "$T/$1.status"; return 0; }
    sleep 0.05
  done
  fail "$(printf 'the %s in the terminal did not end within %ss; the terminal shows:\n' "$1" "$HANG"; pane)"
}

# assert_pane LINE...: the terminal shows exactly these lines.
assert_pane() {
  pane >"$T/pane"
  printf '%s\n' "$@" >"$T/want-pane"
  assert_same_bytes "the terminal's text" "$T/want-pane" "$T/pane"
}
