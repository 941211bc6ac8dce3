#!/usr/bin/env bats
# soak.bats: a short `make soak` (tests/soak/run): publishers of every language
# into one FIFO while programs are killed and restarted at random; nothing
# may be duplicated or corrupted, and every lost message must have a place
# the contract allows.
#
# tests/run runs this file once; by hand: bats tests/soak.bats
# SOAK_SMOKE_SECONDS sets how long it runs (default 5).

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

# The number on a count line of the summary: "  duplicated   0  (must be 0)".
count_of() {
  sed -n "s/^  $1  *\([0-9][0-9]*\)  (.*/\1/p" <<<"$output"
}

@test "soak: publishers and subscribers killed at random; nothing duplicated or corrupted, every loss explained" {
  local seconds=${SOAK_SMOKE_SECONDS:-5}
  SOAK_SECONDS=$seconds run timeout $((seconds + 6 * HANG)) "$REPO_DIR/tests/soak/run"
  assert_success
  assert_line 'soak: passed'
  [[ $(count_of duplicated) == 0 ]] || fail "duplicated is not 0:"$'\n'"$output"
  [[ $(count_of 'corrupted or interleaved') == 0 ]] || fail "corrupted is not 0:"$'\n'"$output"
  [[ $(count_of 'lost unexplained') == 0 ]] || fail "an unexplained loss:"$'\n'"$output"
  local sent delivered lost=0 name
  sent=$(count_of sent) delivered=$(count_of delivered)
  ((sent > 0 && delivered > 0)) || fail "nothing sent or delivered:"$'\n'"$output"
  for name in 'lost with a killed publisher' 'lost in a SIGKILLed subscriber' 'lost in the kernel buffer'; do
    lost=$((lost + $(count_of "$name")))
  done
  ((delivered + lost == sent)) || fail "delivered $delivered + lost $lost is not sent $sent:"$'\n'"$output"
  assert_line --regexp '^  peak RSS [a-z]+-subscriber +[0-9.]+ MiB'
}

@test "soak counts exactly the faults a faulty publisher puts in: duplicated 1, corrupted 1, lost 1, one stray stderr line" {
  # tests/soak/faulty-publisher sends message 3 twice, a garbled line after
  # message 5, and never message 7, and prints a line on stderr no publisher
  # prints beside one a publisher may print; nothing is killed (SOAK_EVENTS=0), so
  # every count comes from those faults and nothing else.
  mkdir -p "$T/bin"
  ln -s "$BIN_DIR/c-subscriber" "$T/bin/"
  ln -s "$TESTS_DIR/soak/faulty-publisher" "$T/bin/faulty-publisher"
  BIN_DIR=$T/bin SOAK_EVENTS=0 SOAK_PUBLISHERS=1 SOAK_SUBSCRIBERS=1 SOAK_SECONDS=2 \
    run timeout $((2 + 6 * HANG)) "$REPO_DIR/tests/soak/run"
  assert_failure 1
  assert_line 'soak: FAILED'
  [[ $(count_of duplicated) == 1 ]] || fail "duplicated is not 1:"$'\n'"$output"
  [[ $(count_of 'corrupted or interleaved') == 1 ]] || fail "corrupted is not 1:"$'\n'"$output"
  [[ $(count_of 'lost unexplained') == 1 ]] || fail "lost unexplained is not 1:"$'\n'"$output"
  assert_line --regexp '^soak: FAIL: .*: p1-faulty 3 delivered a second time$'
  assert_line --regexp "^soak: FAIL: .*: not an intact message: b'garbled'$"
  assert_line --regexp '^soak: FAIL: p1-faulty \(faulty-publisher\) printed on stderr: faulty-publisher: .*: an unexpected line$'
  refute_line --partial 'to take 12 bytes'
}
