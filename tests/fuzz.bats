#!/usr/bin/env bats
# fuzz.bats: a few seconds of each fuzzer of `make fuzz` (tests/fuzz/run), so
# that every run of the suite replays the inputs that once failed and tries
# a few new ones; and a check that the differential fuzzer does fail, and
# saves the input, when one program behaves differently.
#
# tests/run runs this file once; by hand: bats tests/fuzz.bats
# FUZZ_SMOKE_SECONDS sets how long each fuzzer runs (default 3).

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

SMOKE=${FUZZ_SMOKE_SECONDS:-3}

# The executions line a fuzzer ends with, "fuzz: c: 1234 executions".
assert_executions() {
  local label=$1 count
  count=$(sed -n "s/^fuzz: $label: \([0-9]*\) executions\$/\1/p" <<<"$output" | tail -n 1)
  if [[ -z $count ]] || ((count == 0)); then
    fail "no 'fuzz: $label: N executions' line with N > 0 in:"$'\n'"$output"
  fi
}

@test "libFuzzer on the C frame decoder: saved inputs replayed, a short run finds nothing" {
  FUZZ_SECONDS=$SMOKE run timeout $((SMOKE + 4 * HANG)) "$REPO_DIR/tests/fuzz/run" c
  assert_success
  assert_line --regexp '^fuzz: c: replaying [1-9][0-9]* saved inputs$'
  assert_executions c
  refute_output --partial 'invariant violated'
}

@test "Go's fuzzing of go/framing: saved inputs replayed, a short run finds nothing" {
  # Go replays the saved inputs of testdata/fuzz/ as part of every run.
  local saved
  saved=$(find "$REPO_DIR"/go/internal/*/testdata/fuzz -type f 2>/dev/null | wc -l)
  ((saved >= 1)) || fail "no saved input in go/internal/*/testdata/fuzz/: a replay of nothing"
  FUZZ_GO_EXECS=2000 run timeout $((SMOKE + 6 * HANG)) "$REPO_DIR/tests/fuzz/run" go
  assert_success
  assert_executions 'go: FuzzFraming'
}

@test "the differential fuzzer: saved inputs replayed, then every program agrees on new streams" {
  FUZZ_SECONDS=$SMOKE run timeout $((SMOKE + 6 * HANG)) "$REPO_DIR/tests/fuzz/run" differential
  assert_success
  assert_line --regexp '^differential: [1-9][0-9]* saved inputs replayed, all programs agree$'
  assert_line --regexp '^differential: [1-9][0-9]* streams, [1-9][0-9]* program runs in [0-9]+ s; all programs agree$'
}

# odd_subscriber BODY: a fake bin/ directory with c-subscriber, go-subscriber
# and odd-subscriber, which runs c-subscriber and then the shell code BODY
# (with $status its exit status).
odd_subscriber() {
  mkdir -p "$T/bin"
  ln -s "$BIN_DIR/c-subscriber" "$BIN_DIR/go-subscriber" "$T/bin/"
  # shellcheck disable=SC2016 # $@ and $? are for the fake's shell
  # Its error lines name it, not c-subscriber, as its own program would.
  printf '#!/bin/sh\n"%s/c-subscriber" "$@" 2>"$0.err.$$"; status=$?\nsed "s/^c-subscriber:/odd-subscriber:/" "$0.err.$$" >&2; rm -f "$0.err.$$"\n%s\n' \
    "$BIN_DIR" "$1" >"$T/bin/odd-subscriber"
  chmod +x "$T/bin/odd-subscriber"
}

# differential_fails: a short run of the differential fuzzer on $T/bin
# fails with status 1.
differential_fails() {
  run timeout $((4 * HANG)) python3 "$REPO_DIR/tests/fuzz/differential.py" \
    --seconds "$SMOKE" --bin "$T/bin" --regressions "$T/regressions"
  assert_failure 1
}

@test "the differential fuzzer fails when one subscriber differs, naming it and the saved input" {
  # A subscriber that behaves like c-subscriber and then prints one more
  # line: every stream shows the difference.
  local fake=$T/bin saved
  # shellcheck disable=SC2016 # $status is the fake's
  odd_subscriber 'echo one more line; exit $status'

  run timeout $((4 * HANG)) python3 "$REPO_DIR/tests/fuzz/differential.py" \
    --seconds "$SMOKE" --bin "$fake" --regressions "$T/regressions"
  assert_failure 1
  assert_line --partial 'odd-subscriber vs c-subscriber, go-subscriber, the PROTOCOL.md model: stdout differ'
  saved=("$T"/regressions/pipe-*.pipe)
  [[ ${#saved[@]} == 1 && -s ${saved[0]} ]] || fail "no input saved in $T/regressions"
  assert_output --partial "saved as ${saved[0]}"

  # The next run replays it first, and fails on it again.
  run timeout $((4 * HANG)) python3 "$REPO_DIR/tests/fuzz/differential.py" \
    --seconds "$SMOKE" --bin "$fake" --regressions "$T/regressions"
  assert_failure 1
  assert_output --partial "programs disagree on the saved input ${saved[0]}"
}

@test "the differential fuzzer fails when one subscriber's stderr differs" {
  # shellcheck disable=SC2016 # $status is the fake's
  odd_subscriber 'echo "odd-subscriber: one more notice" >&2; exit $status'
  differential_fails
  assert_line --partial 'odd-subscriber vs c-subscriber, go-subscriber, the PROTOCOL.md model: stderr differ'
  refute_output --partial 'stdout differ'
}

@test "the differential fuzzer fails when one subscriber's exit status differs" {
  odd_subscriber 'exit 3'
  differential_fails
  assert_line --partial 'odd-subscriber vs c-subscriber, go-subscriber, the PROTOCOL.md model: exit status 3, not 0'
}
