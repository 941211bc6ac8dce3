#!/usr/bin/env bats
# bench.bats: make bench's harness works, in its tiny version
# (BENCH_QUICK=1 tests/bench/run): every pair in bin/ and every reference point
# is run, and every message is counted. Timings are printed but never
# asserted: machines are noisy, and a benchmark is not a test.

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

@test "BENCH_QUICK=1 tests/bench/run: exit 0, a row for every pair and every reference point" {
  run timeout 300 env BENCH_QUICK=1 "$REPO_DIR/tests/bench/run"
  [[ $status -eq 0 ]] || fail "tests/bench/run exited with status $status:
$output"
  local row rows=(
    "raw limit: cat → wc -l"
    "4096-byte writes: dd bs=4096 → wc -l"
    "one write() per message → wc -l"
    "regular file: cat >> file → polling reader"
    "tutorial's design: open, write, close per message"
  )
  local pub sub
  for pub in "$BIN_DIR"/*-publisher; do
    for sub in "$BIN_DIR"/*-subscriber; do
      pub=${pub##*/} sub=${sub##*/}
      rows+=("**${pub%-publisher} → ${sub%-subscriber}**")
    done
  done
  for row in "${rows[@]}"; do
    # Once per message size.
    [[ $(grep -cF "| $row |" <<<"$output") -eq 2 ]] || fail "no row '$row' for each size in:
$output"
  done
  # Every pair's "lost" column (the sixth) says 0.
  local lost
  lost=$(grep -F "| **" <<<"$output" | awk -F ' [|] ' '$6 != "0" { print }')
  [[ -z $lost ]] || fail "pairs that lost messages: $lost"
  for row in "cat → cat" "regular file: append → polling reader"; do
    grep -qF "| $row |" <<<"$output" || fail "no latency row '$row' in:
$output"
  done
}
