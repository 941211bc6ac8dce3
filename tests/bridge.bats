#!/usr/bin/env bats
# bridge.bats: our programs across machines, through a real MQTT broker
# (Debian's mosquitto), as README.md's "When one machine is not enough"
# shows them. Each test starts its own broker on 127.0.0.1 and a free port
# (examples/bridge/bridge-broker.bash writes its configuration) and stops it; nothing
# but the broker joins the two sides:
#
#   sensors -> FIFO sensors -> go-subscriber --raw -> mosquitto_pub -l -> broker
#   broker -> mosquitto_sub -c -i dashboard-1 -> python-publisher -> FIFO -> c-subscriber
#   broker -> mosquitto_sub -c -i dashboard-2 -> go-publisher -> FIFO -> python-subscriber
#
# so every language plays a part. MQTT QoS 1 throughout. Every process runs
# under the suite's hang guard; every wait polls with a bound.
#
# tests/run runs this file once; by hand: bats tests/bridge.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

SENSOR_PUB=c      # the sensors' publisher
NEAR_SUB=go       # the relay's subscriber on the sensors' machine
FAR_PUB=(- python go)  # the relay's publisher on dashboard K's machine
DASH_SUB=(- c python)  # dashboard K's subscriber

setup() {
  common_setup
  PATH=$PATH:/usr/sbin # mosquitto's place on Debian, not on every user's PATH
  local tool
  for tool in mosquitto mosquitto_pub mosquitto_sub; do
    command -v "$tool" >/dev/null ||
      skip "$tool is not installed (Debian: mosquitto, mosquitto-clients), so there is no broker to test with"
  done
  # shellcheck disable=SC1091 # tools/lint checks the helper on its own
  . "$REPO_DIR/examples/bridge/bridge-broker.bash"
  PORT=$(bridge_free_port)
  bridge_broker_config "$T/mosquitto.conf" "$PORT"
  BROKERS=0
}

# ------------------------------------------------------------- the broker

# start_broker: a broker (again) on $PORT; its log is $T/brokerN.err, the
# current one's name in $BROKER.
start_broker() {
  BROKERS=$((BROKERS + 1))
  BROKER=broker$BROKERS
  spawn "$BROKER" - mosquitto -c "$T/mosquitto.conf"
  wait_until "$BROKER" "listening on 127.0.0.1:$PORT" bridge_broker_running "$T/$BROKER.err"
}

# stop_broker: SIGTERM, as a service manager stops it; it exits 0.
stop_broker() {
  signal_prog "$BROKER" TERM
  finish "$BROKER"
  expect_status "$BROKER" 0
}

# subscribed_times CLIENT N: has CLIENT subscribed N times to the current
# broker?
subscribed_times() { (($(bridge_subscriptions "$T/$BROKER.err" "$1") >= $2)); }

# connected CLIENT: has CLIENT connected to the current broker?
connected() { grep -q " as $1 (" "$T/$BROKER.err" 2>/dev/null; }

# ------------------------------------------------------------ the two sides

# start_dashboard K MODE: dashboard K's subscriber on its own FIFO, with
# --raw when MODE is raw (dashK.out is then exactly what it received), as a
# person runs it when MODE is plain.
start_dashboard() {
  local k=$1 raw=()
  [[ $2 == raw ]] && raw=(--raw)
  spawn "dash$k" - "$BIN_DIR/${DASH_SUB[k]}-subscriber" --pipe "$T/dashboard-$k" "${raw[@]}"
  wait_sub_ready "dash$k" "$T/dashboard-$k"
}

# start_far_side K [SUBSCRIPTIONS]: the relay from the broker into dashboard
# K's FIFO, with the persistent session dashboard-K; waits until it has
# subscribed SUBSCRIPTIONS times (default 1) to the current broker.
start_far_side() {
  local k=$1 times=${2:-1}
  # shellcheck disable=SC2016 # expanded by the inner bash
  spawn "far$k" - bash -c 'set -o pipefail; . "$1"; shift; bridge_far_side "$@"' far \
    "$REPO_DIR/examples/bridge/bridge-broker.bash" "$PORT" "dashboard-$k" "$T/dashboard-$k" "$BIN_DIR/${FAR_PUB[k]}-publisher"
  wait_until "far$k" "subscribed as dashboard-$k" subscribed_times "dashboard-$k" "$times"
}

# start_near_side: the relay from the sensors' FIFO into the broker.
start_near_side() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  spawn near - bash -c 'set -o pipefail; . "$1"; shift; bridge_near_side "$@"' near \
    "$REPO_DIR/examples/bridge/bridge-broker.bash" "$PORT" "$T/sensors" "$BIN_DIR/$NEAR_SUB-subscriber"
  wait_sub_ready near "$T/sensors"
  wait_until near "connected as warehouse-sensors" connected warehouse-sensors
}

# start_sensors: the sensors' publisher, fed by the test (send).
start_sensors() {
  open_feed sensors
  spawn sensors "$T/sensors.feed" "$BIN_DIR/$SENSOR_PUB-publisher" --pipe "$T/sensors"
}

# send FILE: the sensors publish FILE's lines.
send() { cat -- "$1" >&"${FEED[sensors]}"; }

# bridge [MODE]: broker, both dashboards (MODE raw, the default, or plain)
# and their relays, the near relay, sensors.
bridge() {
  start_broker
  start_dashboard 1 "${1:-raw}"
  start_dashboard 2 "${1:-raw}"
  start_far_side 1
  start_far_side 2
  start_near_side
  start_sensors
}

# readings FIRST LAST FILE: readings FIRST to LAST, of four sensors in turn.
readings() {
  local i
  for ((i = $1; i <= $2; i++)); do
    printf 'sensor-%d #%d %d.%dC\n' $((i % 4 + 1)) "$i" $((20 + i % 3)) $((i % 10))
  done >"$3"
}

# pid_of NAME COMM: the process id of the program COMM (mosquitto_sub, ...)
# among NAME's processes; status 1 when none runs.
pid_of() {
  local p comm
  descendants "${PID[$1]}"
  for p in "${DESC[@]}"; do
    read -r comm 2>/dev/null <"/proc/$p/comm" || continue
    [[ $comm == "$2" ]] && { echo "$p"; return 0; }
  done
  return 1
}

# not_running NAME COMM: COMM no longer runs among NAME's processes.
not_running() { ! pid_of "$1" "$2" >/dev/null; }

# sensors_fifo_empty: every byte the sensors wrote has been read.
sensors_fifo_empty() { [[ $(PIPE=$T/sensors pipe_unread) == 0 ]]; }

# tool_bridge_running: examples/bridge/bridge, run with TMPDIR=$T, carries readings:
# its near side has connected to its broker.
tool_bridge_running() { grep -qs " as warehouse-sensors (" "$T"/fifo-pubsub-bridge.*/broker.err; }

# finish_dashboards: both dashboards got `exit` and stopped with status 0.
finish_dashboards() {
  local k
  for k in 1 2; do
    finish "dash$k"
    expect_status "dash$k" 0
  done
}

# ------------------------------------------------------------------ tests

@test "every reading arrives exactly once, in order, at each of two dashboards (a topic, not a queue)" {
  bridge
  readings 1 400 "$T/readings"
  echo exit >>"$T/readings"
  send "$T/readings"
  finish_dashboards
  assert_out dash1 "$T/readings"
  assert_out dash2 "$T/readings"
  finish near
  expect_status near 0
}

@test "exit travels end to end: each far subscriber prints Exiting... and exits 0; look-alikes pass as messages" {
  bridge plain
  printf '%s\n' 'sensor-1 #1 21.4C' 'exit ' 'Exit' ' exit' exit 'never sent' >"$T/lines"
  send "$T/lines"
  finish_dashboards
  assert_out_lines dash1 'Received: sensor-1 #1 21.4C' 'Received: exit ' 'Received: Exit' 'Received:  exit' 'Exiting...'
  assert_out_lines dash2 'Received: sensor-1 #1 21.4C' 'Received: exit ' 'Received: Exit' 'Received:  exit' 'Exiting...'
  assert_err_lines dash1
  assert_err_lines dash2
  finish sensors
  expect_status sensors 0
  finish near
  expect_status near 0
}

@test "bytes cross the broker untouched: UTF-8, invalid UTF-8, every byte but NUL and LF, CR inside, 4095 bytes" {
  bridge
  {
    printf 'h\xc3\xa9llo w\xc3\xb6rld\n\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\n\xf0\x9f\x99\x82 smile\n'
    printf '\xff\xfe\xfd\n\xc3\x28 half\nmid\rdle\n\x1b[1mbold\x1b[0m\n'
    # Every byte from 0x01 to 0xff but LF, in one message.
    printf '%b\n' "$(printf '\\0%03o' {1..9} {11..255})"
    printf '  leading\ntrailing  \n\ttabs\t\n'
    head -c 4095 /dev/zero | tr '\0' 'x'
    printf '\nafter\nexit\n'
  } >"$T/bytes"
  send "$T/bytes"
  finish_dashboards
  assert_out dash1 "$T/bytes"
  assert_out dash2 "$T/bytes"
}

@test "a NUL is where mosquitto_pub -l stops: the message is cut there and nothing after it is sent (the stated limit)" {
  bridge
  printf 'before\na\0b\nafter\nexit\n' >"$T/nul"
  send "$T/nul"
  # mosquitto_pub reads the line up to the NUL, publishes that and ends,
  # with status 0; the relay's subscriber then meets a closed output, and
  # the relay may end before the check sees mosquitto_pub gone.
  local end=$((SECONDS + HANG))
  until ! alive near || not_running near mosquitto_pub || ((SECONDS >= end)); do sleep 0.02; done
  ! alive near || not_running near mosquitto_pub || fail "mosquitto_pub still runs after a NUL"
  wait_out dash1 a
  wait_out dash2 a
  assert_out_lines dash1 before a
  assert_out_lines dash2 before a
  assert_alive dash1 "though exit never reached it"
}

@test "a broker restart in the middle: what it had delivered and what comes after arrive once; what was sent while it was down, at most once" {
  bridge
  readings 1 100 "$T/before"
  readings 101 200 "$T/while-down"
  readings 201 300 "$T/after"
  send "$T/before"
  wait_out dash1 "$(tail -n 1 "$T/before")"
  wait_out dash2 "$(tail -n 1 "$T/before")"
  stop_broker
  send "$T/while-down"
  # Wait until the sensors' FIFO is empty: the relay has taken all of it.
  wait_until near "reading the sensors' FIFO empty" sensors_fifo_empty
  start_broker
  # The broker forgot every session (no persistence): each side reconnects
  # by itself, and mosquitto_sub subscribes again.
  wait_until far1 "subscribed again" subscribed_times dashboard-1 1
  wait_until far2 "subscribed again" subscribed_times dashboard-2 1
  wait_until near "connected again" connected warehouse-sensors
  echo exit >>"$T/after"
  send "$T/after"
  finish_dashboards
  local k got
  for k in 1 2; do
    # Nothing twice; nothing that was not sent; exit last.
    [[ -z $(sort "$T/dash$k.out" | uniq -d) ]] || fail "dashboard $k got readings twice: $(sort "$T/dash$k.out" | uniq -d | head -n 5)"
    assert_equal "$(tail -n 1 "$T/dash$k.out")" exit
    # Delivered before the restart and sent after it: every one, once.
    grep -vxF -f "$T/dash$k.out" "$T/before" "$T/after" >"$T/missing$k" || true
    [[ ! -s $T/missing$k ]] || fail "dashboard $k lost readings it should have: $(head -n 5 "$T/missing$k")"
    # Sent while the broker was down: kept by mosquitto_pub (QoS 1) and
    # published when it reconnected, so delivered to each dashboard that
    # had subscribed again by then. The count is measured, and shown.
    got=$(grep -cxF -f "$T/while-down" "$T/dash$k.out" || true)
    echo "# broker restart: dashboard-$k received $got of the 100 readings sent while the broker was down" >&3
    assert_equal "$(wc -l <"$T/dash$k.out")" $((200 + got + 1))
  done
}

@test "a dashboard restart in the middle (persistent session, QoS 1): it loses nothing and gets nothing twice" {
  bridge
  readings 1 100 "$T/before"
  readings 101 300 "$T/while-away"
  readings 301 400 "$T/after"
  send "$T/before"
  wait_out dash1 "$(tail -n 1 "$T/before")"
  # Dashboard 1's machine goes away: its mosquitto_sub is stopped, and its
  # publisher, at end of input, exits 0. The broker keeps dashboard-1's
  # messages under its session.
  local sub
  sub=$(pid_of far1 mosquitto_sub) || fail "no mosquitto_sub runs in far1"
  kill -TERM "$sub"
  finish far1
  expect_status far1 0
  send "$T/while-away"
  wait_out dash2 "$(tail -n 1 "$T/while-away")"
  start_far_side 1 2
  echo exit >>"$T/after"
  send "$T/after"
  finish_dashboards
  cat "$T/before" "$T/while-away" "$T/after" >"$T/everything"
  assert_out dash2 "$T/everything"
  # The queued messages come first, but order is not what this tests.
  assert_same_bytes "dashboard 1's readings, sorted" <(sort "$T/everything") <(sort "$T/dash1.out")
}

@test "examples/bridge/bridge: two dashboards each count every reading, and the broker is gone afterwards" {
  run_fg tool - env TMPDIR="$T" READINGS=25 "$REPO_DIR/examples/bridge/bridge"
  expect_status tool 0
  tail -n 2 "$T/tool.out" >"$T/summaries"
  assert_same_bytes "examples/bridge/bridge's summaries" <(
    echo "dashboard-1: 4 sensors, sent 100, received 100, lost 0, duplicated 0, garbled 0"
    echo "dashboard-2: 4 sensors, sent 100, received 100, lost 0, duplicated 0, garbled 0"
  ) "$T/summaries"
  assert_equal "$(wc -l <"$T/tool.out")" 3
  assert_equal "$(find "$T" -maxdepth 1 -name 'fifo-pubsub-bridge.*')" ""
}

@test "examples/bridge/bridge stopped in the middle: the broker and every relay stop with it" {
  spawn tool - env TMPDIR="$T" READINGS=100000 "$REPO_DIR/examples/bridge/bridge"
  wait_until tool "carrying readings" tool_bridge_running
  signal_prog tool INT
  finish tool
  expect_status tool 130
  # Nothing that ran from its directory is left.
  local p left=()
  for p in /proc/[0-9]*; do
    grep -qaF -- "$T/fifo-pubsub-bridge." "$p/cmdline" 2>/dev/null && left+=("$(tr '\0' ' ' <"$p/cmdline")")
  done
  ((${#left[@]} == 0)) || fail "still running: ${left[*]}"
  assert_equal "$(find "$T" -maxdepth 1 -name 'fifo-pubsub-bridge.*')" ""
}

@test "docker-compose.mqtt.yml is valid (docker-compose config); sensors and dashboard share no volume, only the broker" {
  command -v docker-compose >/dev/null || skip "docker-compose (Debian's package) is not installed"
  python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml (which docker-compose brings) is not installed"
  run docker-compose -f "$REPO_DIR/examples/bridge/docker-compose.mqtt.yml" config
  assert_success
  printf '%s\n' "$output" >"$T/config.yml"
  run python3 - "$T/config.yml" <<'PY'
import sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
problems = []
for name in ("broker", "sensors", "dashboard"):
    if name not in services:
        problems.append(f"no service {name}")
if not problems:
    if not services["broker"]["image"].startswith("eclipse-mosquitto"):
        problems.append("the broker is not the eclipse-mosquitto image")
    for name in ("sensors", "dashboard"):
        if services[name].get("image") != "fifo-pubsub:local":
            problems.append(f"{name} does not run fifo-pubsub:local")
        if "build" not in services[name]:
            problems.append(f"{name} does not say how to build fifo-pubsub:local")
        if services[name].get("volumes"):
            problems.append(f"{name} mounts {services[name]['volumes']}: it should share nothing but the broker")
        if "broker" not in services[name].get("depends_on", {}):
            problems.append(f"{name} does not depend on the broker")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
  assert_success
}
