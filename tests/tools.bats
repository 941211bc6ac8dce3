#!/usr/bin/env bats
# tools.bats: what the top-level commands show a person: `make help`, `make
# demo` (two tmux panes on a terminal, a script that prints the same bytes
# every run without one), `make warehouse` (publishers of every language
# into one FIFO, a dashboard counting what arrived), and docker-compose.yml
# (valid, and each service's command works on the host).
#
# tests/run runs this file once; by hand: bats tests/tools.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

@test "make help lists every target of the Makefile, one line each" {
  run make -s -C "$REPO_DIR" help
  assert_success
  local target targets missing=()
  read -r -a targets <<<"$(sed -n 's/^\.PHONY: //p' "$REPO_DIR/Makefile" | tr '\n' ' ')"
  for target in "${targets[@]}"; do
    [[ $target == FORCE ]] && continue
    grep -qE "^  make $target +[^ ]" <<<"$output" || missing+=("$target")
  done
  ((${#missing[@]} == 0)) || fail "make help does not list: ${missing[*]}; it prints:"$'\n'"$output"
}

@test "make demo without a terminal: every pair, the same bytes every run, status 0" {
  run_fg first - timeout 120 "$REPO_DIR/examples/demo/demo"
  expect_status first 0
  run_fg second - timeout 120 "$REPO_DIR/examples/demo/demo"
  expect_status second 0
  assert_same_bytes "the second run's output" "$T/first.out" "$T/second.out"
  local pub sub
  for pub in $(real_programs publisher); do
    for sub in $(real_programs subscriber); do
      grep -qxF "== $pub-publisher -> $sub-subscriber" "$T/first.out" ||
        fail "the demo shows no $pub -> $sub pair:"$'\n'"$(cat "$T/first.out")"
    done
  done
  [[ $(grep -c '^  printed:  Exiting\.\.\.$' "$T/first.out") == $(($(real_programs publisher | wc -l) * $(real_programs subscriber | wc -l))) ]] ||
    fail "not every pair ended with Exiting...:"$'\n'"$(cat "$T/first.out")"
  assert_err_lines first
}

# warehouse SUB: make warehouse with SUB as the dashboard's subscriber.
warehouse() {
  SPAWN_STDOUT=$T/wh-$1.out run_fg "wh-$1" - env SUB="$1" READINGS=100 "$REPO_DIR/examples/warehouse/warehouse"
  expect_status "wh-$1" 0
  assert_same_bytes "make warehouse's summary" <(echo "warehouse: 4 sensors, sent 400, received 400, lost 0, duplicated 0, garbled 0") "$T/wh-$1.out"
}

@test "make warehouse: sensors of every language into one FIFO, nothing lost or garbled (c dashboard)" {
  warehouse c
}

@test "make warehouse: sensors of every language into one FIFO, nothing lost or garbled (go dashboard)" {
  warehouse go
}

@test "make warehouse: sensors of every language into one FIFO, nothing lost or garbled (python dashboard)" {
  warehouse python
}

@test "the warehouse dashboard counts exactly the faults put in: lost 1, duplicated 1, garbled 1" {
  # Two sensors of 3 readings each: sensor-2's #3 never comes, its #2 comes
  # twice, and one line is two readings run together.
  printf '%s\n' 'sensor-1 #1 20.0C' 'sensor-1 #2 20.1C' 'sensor-1 #3 20.2C' \
    'sensor-2 #1 19.0C' 'sensor-2 #2 19.1C' 'sensor-2 #2 19.1C' 'sensor-2 #3 1sensor-1 #4 19.0C' exit >"$T/readings"
  run_fg board "$T/readings" "$REPO_DIR/examples/warehouse/dashboard" --expect 3 --sensors 2
  expect_status board 1
  assert_out_lines board "warehouse: 2 sensors, sent 6, received 6, lost 1, duplicated 1, garbled 1"
}

# person_demo: make demo's script in a tmux pane of the test's own server,
# as a person at a terminal starts it, on a pipe of the test's own; tmx,
# screen and await act on that terminal.
person_demo() {
  sock="$T/tmux.sock" # in the test's folder, which bats removes
  tmx new-session -d -s person -x 160 -y 30 \
    "cd $(printf '%q' "$REPO_DIR") && PIPE_PATH=$(printf '%q' "$T/mypipe") timeout $((2 * HANG)) examples/demo/demo; echo demo-status=\$?; exec sleep $((2 * HANG))"
}
tmx() { timeout 10 env -u TMUX tmux -S "$sock" -f /dev/null "$@" 3>&-; }
screen() { tmx capture-pane -p -t person; }
await() { # await TEXT: poll the person's screen for TEXT
  local end=$((SECONDS + HANG))
  while ((SECONDS < end)); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  tmx kill-server 2>/dev/null || true
  fail "waited ${HANG}s for '$1' on the screen; it shows:"$'\n'"$(screen)"
}

@test "make demo on a terminal: two panes, a typed line shows on the right, exit ends the session" {
  command -v tmux >/dev/null || skip "tmux is not installed"
  person_demo
  await "Enter message to send:"
  screen | grep -qF "subscriber: python-subscriber" || { tmx kill-server; fail "no subscriber pane:"$'\n'"$(screen)"; }
  # The subscriber started first: the publisher found it, and the first
  # screen shows no publisher waiting for a subscriber.
  ! screen | grep -qF "waiting for a subscriber" || { tmx kill-server; fail "the publisher waited:"$'\n'"$(screen)"; }
  tmx send-keys -t person -l "hello from a person"
  tmx send-keys -t person Enter
  await "Received: hello from a person"
  # The two panes side by side: the typed line on the left, on the same
  # screen row as nothing else but the subscriber's pane border.
  screen | grep -qE "Enter message to send: hello from a person +│" ||
    { tmx kill-server; fail "the typed line is not in the left pane:"$'\n'"$(screen)"; }
  tmx send-keys -t person -l "exit"
  tmx send-keys -t person Enter
  await "demo-status=0"
  # It suggests another pair than the one just shown.
  await "make demo PUB="
  ! screen | grep -qF "make demo PUB=go SUB=python" || { tmx kill-server; fail "it suggests the same pair:"$'\n'"$(screen)"; }
  tmx kill-server 2>/dev/null || true
}

@test "make demo on a terminal: Ctrl-C in the subscriber's pane ends both" {
  command -v tmux >/dev/null || skip "tmux is not installed"
  person_demo
  await "Enter message to send:"
  # The demo's own tmux takes C-b o to move to the other pane.
  tmx send-keys -t person C-b o
  tmx send-keys -t person C-c
  await "demo-status=0"
  tmx kill-server 2>/dev/null || true
}

# cast_in_order CAST: the terminal output recorded in the asciicast CAST
# shows each typed line, then its Received: line, in the order typed, then
# Exiting...; fails naming what it misses.
cast_in_order() {
  run python3 - "$1" <<'PY'
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
header = json.loads(lines[0])
assert header.get("version") == 2, f"not an asciicast v2 file: {lines[0][:80]}"
shown = "".join(e[2] for e in map(json.loads, lines[1:]) if e[1] == "o")
shown = re.sub(r"\x1b\[[0-9;?>=]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|[\x0e\x0f]", "", shown)
at = 0
for text in ["hello from Go", "Received: hello from Go", "the warehouse is at 21.4C",
             "Received: the warehouse is at 21.4C", "exit", "Exiting..."]:
    found = shown.find(text, at)
    if found < 0:
        sys.exit(f"the cast does not show {text!r} after position {at}")
    at = found + len(text)
print("in order")
PY
  assert_success
  assert_output "in order"
}

@test "the committed demo cast shows each typed line, then its Received: line, in order" {
  cast_in_order "$REPO_DIR/examples/demo/demo.cast"
  head -c 200 "$REPO_DIR/examples/demo/demo.svg" | grep -q '<svg' ||
    fail "examples/demo/demo.svg is not an SVG"
}

@test "make cast records the two-pane demo anew, typed through tmux (asciinema)" {
  command -v asciinema >/dev/null || skip "asciinema is not installed (make deps installs it)"
  command -v tmux >/dev/null || skip "tmux is not installed"
  CAST_RENDER=0 CAST_OUT=$T/cast PIPE_PATH=$T/mypipe run timeout $((3 * HANG)) "$REPO_DIR/examples/demo/cast"
  assert_success
  assert_output --partial "cast: recorded $T/cast/demo.cast"
  cast_in_order "$T/cast/demo.cast"
}

@test "docker-compose.yml is valid (docker-compose config), both services one image that each can build" {
  command -v docker-compose >/dev/null || skip "docker-compose (Debian's package) is not installed"
  run docker-compose -f "$REPO_DIR/docker-compose.yml" config
  assert_success
  [[ $(grep -c '^    image: fifo-pubsub:local$' <<<"$output") == 2 ]] ||
    fail "both services should run the image fifo-pubsub:local:"$'\n'"$output"
  # A service that names an image built here without saying how to build
  # it may have it pulled from a registry by some Compose versions.
  [[ $(grep -c '^    build:' <<<"$output") == 2 ]] ||
    fail "each service should say how to build the image:"$'\n'"$output"
}

@test "docker-compose services' commands work on the host, the volume a directory" {
  command -v python3 >/dev/null || skip "python3 is needed to read docker-compose.yml"
  python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml (which docker-compose brings) is not installed"
  # Each service's command, as a shell command line, /pipes made a directory of ours.
  python3 - "$REPO_DIR/docker-compose.yml" "$T/pipes" "$T" <<'PY'
import shlex, sys, yaml
compose, pipes, out = sys.argv[1:]
for name, service in yaml.safe_load(open(compose))["services"].items():
    command = service["command"]
    line = command if isinstance(command, str) else shlex.join(command)
    open(f"{out}/{name}.cmd", "w").write(line.replace("/pipes", pipes) + "\n")
PY
  mkdir "$T/pipes"
  spawn subscriber - bash -c "cd $(printf '%q' "$REPO_DIR") && $(<"$T/subscriber.cmd")"
  run_fg publisher - bash -c "cd $(printf '%q' "$REPO_DIR") && $(<"$T/publisher.cmd")"
  finish subscriber
  expect_status publisher 0
  expect_status subscriber 0
  assert_out_lines subscriber "Received: hello from the publisher container" "Received: how are you?" "Exiting..."
}

@test "make bugs: the tutorial's merged messages and its panic show, next to ours" {
  SPAWN_STDOUT=$T/bugs.out run_fg bugs - timeout 300 "$REPO_DIR/examples/bugs/bugs"
  expect_status bugs 0
  # Scene 1: three lines in one open come out as one message.
  grep -qxF "    Received: one" "$T/bugs.out" && grep -qxF "    two" "$T/bugs.out" ||
    fail "the tutorial's subscriber did not show the merge:"$'\n'"$(cat "$T/bugs.out")"
  [[ $(grep -c '^    Received: \(one\|two\|three\)$' "$T/bugs.out") == 4 ]] ||
    fail "ours should print one, two, three as three messages:"$'\n'"$(cat "$T/bugs.out")"
  # Scene 2: ours deliver all 1000.
  grep -qxF "Ours: 1000 messages printed for 1000 sent, every one whole, in order." "$T/bugs.out" ||
    fail "ours lost or reordered messages:"$'\n'"$(cat "$T/bugs.out")"
  # Scene 3: the tutorial's loop sends one line of three, then panics.
  grep -qxF '    would send: "first"' "$T/bugs.out" && ! grep -qF 'would send: "second"' "$T/bugs.out" &&
    grep -qF '    panic: runtime error: slice bounds out of range' "$T/bugs.out" ||
    fail "the tutorial's loop did not lose its input and panic:"$'\n'"$(cat "$T/bugs.out")"
  grep -qxF "    Received: third" "$T/bugs.out" || fail "ours did not send every line:"$'\n'"$(cat "$T/bugs.out")"
}
