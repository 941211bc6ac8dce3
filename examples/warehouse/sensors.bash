#!/usr/bin/env bash
# examples/warehouse/sensors.bash: the warehouse's temperature sensors, sourced by
# examples/warehouse/warehouse (one machine, one FIFO) and examples/bridge/bridge (the same sensors,
# their readings carried to other machines by an MQTT broker).
#
# A reading is one line, the sensor's name, its own reading number counting
# from 1, and the temperature, as examples/warehouse/dashboard expects them:
#
#   sensor-3 #17 21.4C
#
# There is one sensor per publisher language (c, go, python) and one plain
# shell sensor that writes into the pipe with `printf`, each at its own pace.
# The caller runs from the repository's top directory (bin/ built).

# SENSORS: how many sensors start_sensors starts (for the dashboards).
# shellcheck disable=SC2034 # used by the scripts that source this file
SENSORS=4

# readings NUMBER COUNT: sensor NUMBER's COUNT readings on stdout, one every
# few milliseconds (each sensor its own pace), temperatures drifting around
# 21C.
readings() {
  local n=$1 count=$2 i tenths=$((200 + RANDOM % 30)) pause
  pause=0.00$((2 + n * 2))
  for ((i = 1; i <= count; i++)); do
    tenths=$((tenths + RANDOM % 5 - 2))
    printf 'sensor-%d #%d %d.%dC\n' "$n" "$i" $((tenths / 10)) $((tenths % 10))
    sleep "$pause"
  done
}

# start_sensors PIPE COUNT ERRDIR: start the sensors in the background, each
# sending COUNT readings into the FIFO PIPE; their process ids go into the
# array SENSOR_PIDS, each publisher's standard error into ERRDIR/sensor-N.err.
start_sensors() {
  local pipe=$1 count=$2 errdir=$3 n=0 lang
  SENSOR_PIDS=()
  for lang in c go python; do
    n=$((n + 1))
    readings "$n" "$count" | "bin/$lang-publisher" --pipe "$pipe" 2>"$errdir/sensor-$n.err" &
    SENSOR_PIDS+=($!)
  done
  n=$((n + 1))
  (
    exec 3>"$pipe"
    readings "$n" "$count" | while IFS= read -r line; do printf '%s\n' "$line" >&3; done
  ) &
  SENSOR_PIDS+=($!)
}

# wait_sensors PROG ERRDIR: wait for every sensor; 0 when all succeeded,
# else 1 after showing their errors, PROG naming the caller.
wait_sensors() {
  local pid failed=0
  for pid in "${SENSOR_PIDS[@]}"; do wait "$pid" || failed=1; done
  SENSOR_PIDS=()
  ((failed == 0)) && return 0
  echo "$1: a sensor failed:" >&2
  cat "$2"/sensor-*.err >&2
  return 1
}
