#!/usr/bin/env bats
# conformance.bats: the conformance kit (tests/conformance) and its matrix
# (tests/conformance-matrix/). One fresh run of the matrix, made once for
# the whole file, answers the first four tests: the committed results.md and
# results.svg are what the programs give today (the run does not depend on
# timing, so a change means a program, a case or a subject changed: run
# `make conformance-matrix`); our programs in bin/ pass every required and
# recommended case; and the deliberately broken subscriber and publisher
# fail exactly the cases their one defect breaks, by name, so the kit can
# fail. The last tests run the kit itself: failure lists taken back as
# expected failures, TAP, JUnit, usage errors.
#
# tests/run runs this file once; by hand: bats tests/conformance.bats
# (BIN_DIR=DIR tests other programs than bin/'s).

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

KIT=$REPO_DIR/tests/conformance
MATRIX=$REPO_DIR/tests/conformance-matrix

setup_file() {
  export BIN_DIR
  mkdir -p "$BATS_FILE_TMPDIR/out" "$BATS_FILE_TMPDIR/lists"
  # A hang guard only: the run takes about 15 s.
  timeout $((HANG * 9)) "$MATRIX/run" --out "$BATS_FILE_TMPDIR/out" --lists "$BATS_FILE_TMPDIR/lists" \
    >"$BATS_FILE_TMPDIR/matrix.log" 2>&1 || echo "status $?" >>"$BATS_FILE_TMPDIR/matrix.log"
}

matrix_ran() {
  [[ -s $BATS_FILE_TMPDIR/out/results.md ]] || fail "the matrix did not run: $(cat "$BATS_FILE_TMPDIR/matrix.log")"
}

# failed_cases SUBJECT: the names of the cases SUBJECT failed, one a line.
failed_cases() {
  local list=$BATS_FILE_TMPDIR/lists/$1.txt
  [[ -s $list ]] || fail "no results for $1 (the matrix log: $(cat "$BATS_FILE_TMPDIR/matrix.log"))"
  awk -F '\t' '$1 != "PASS" && $1 != "N/A" { print $3 }' "$list"
}

@test "the committed matrix (results.md, results.svg) matches a fresh run" {
  matrix_ran
  command -v socat >/dev/null || skip "socat is not installed (make deps installs it): its columns would differ"
  local f name
  for f in results.md results.svg; do
    if ! diff -u "$MATRIX/$f" "$BATS_FILE_TMPDIR/out/$f" >"$T/diff"; then
      printf 'tests/conformance-matrix/%s differs from a fresh run (run make conformance-matrix):\n' "$f" >"$T/why"
      head -n 40 "$T/diff" >>"$T/why"
      # The fresh run's reasons for the rows that changed.
      # shellcheck disable=SC2016 # the backquotes are Markdown's, not a command
      while IFS= read -r name; do
        grep -H -F "	$name	" "$BATS_FILE_TMPDIR"/lists/*.txt | grep -F "FAIL	" >>"$T/why" || true
      done < <(sed -n 's/^[-+]| `\([^`]*\)` .*/\1/p' "$T/diff" | sort -u)
      fail "$(cat "$T/why")"
    fi
  done
}

@test "every program in bin/ passes every required and recommended case" {
  matrix_ran
  local role name list bad=()
  for role in publisher subscriber; do
    while IFS= read -r name; do
      list=$BATS_FILE_TMPDIR/lists/$name-$role.txt
      [[ -s $list ]] || { bad+=("$name-$role: no results"); continue; }
      while IFS= read -r line; do bad+=("$name-$role: $line"); done < <(
        awk -F '\t' '$2 != "optional" && $1 != "PASS" { print $1 " " $3 ": " $4 }' "$list")
    done < <(real_programs "$role")
  done
  ((${#bad[@]} == 0)) || fail "$(printf '%s\n' "${bad[@]}")"
}

@test "the broken subscriber fails exactly the cases of its defect (an unterminated last line dropped)" {
  matrix_ran
  run failed_cases broken-subscriber
  assert_output "$(printf '%s\n' vector/raw_overlong_fragment/stderr vector/raw_unterminated_fragment \
    vector/raw_unterminated_fragment/raw)"
}

@test "the broken publisher fails exactly the cases of its defect (the CR of CR LF kept)" {
  matrix_ran
  run failed_cases broken-publisher
  assert_output "$(printf '%s\n' vector/crlf vector/empty_lines vector/max_length_crlf \
    vector/trailing_cr_rejected vector/trailing_cr_rejected/stderr)"
}

@test "--peer: the broken publisher sending to the C subscriber fails exactly the cases of its defect" {
  # The kit run over a pair (as in pair.bats): a defect of the publisher
  # shows in what the subscriber prints, and the failing case says so.
  run "$KIT" --peer "$MATRIX/broken-publisher" "$BIN_DIR/c-subscriber"
  assert_failure 1
  assert_line --index 0 --partial ", $MATRIX/broken-publisher --pipe '{pipe}' sending;"
  run awk '$1 == "FAIL" { sub(/:$/, "", $2); print $2 }' <<<"$output"
  assert_output "$(printf '%s\n' vector/max_length_crlf vector/trailing_cr_rejected \
    vector/max_length_crlf/raw vector/trailing_cr_rejected/raw)"
  run "$KIT" --list --peer "$MATRIX/broken-publisher" "$BIN_DIR/c-subscriber"
  refute_line --regexp '^vector/raw_' # no publisher produces a raw vector's bytes
  assert_line --regexp '^lifecycle/several-publishers-at-once'$'\t'
}

@test "--peer: a publisher that writes what it should not fails the case, naming the publisher" {
  # A publisher that also writes its own name on stdout: the subscriber's
  # side is right, and the case still fails for the publisher.
  printf '#!/bin/sh\necho "> "\nexec %q "$@"\n' "$BIN_DIR/c-publisher" >"$T/noisy-publisher"
  chmod +x "$T/noisy-publisher"
  run "$KIT" --only vector/plain --peer "$T/noisy-publisher" "$BIN_DIR/c-subscriber"
  assert_failure 1
  assert_line "FAIL vector/plain: the publisher noisy-publisher: stdout (input not a terminal: no prompt) is '> \\n'"
}

@test "--peer: a publisher that never ends fails the case and is ended with it" {
  # A publisher that reads nothing and never exits: the case fails, and the
  # kit leaves no process behind.
  printf '#!/bin/sh\necho $$ >%q\nexec sleep %s\n' "$T/stuck.pid" $((HANG * 10)) >"$T/stuck-publisher"
  chmod +x "$T/stuck-publisher"
  CONFORMANCE_HANG=2 CONFORMANCE_QUIET=0.5 run "$KIT" --only lifecycle/subscriber-first \
    --peer "$T/stuck-publisher" "$BIN_DIR/c-subscriber"
  assert_failure 1
  assert_line "FAIL lifecycle/subscriber-first: stdout ends after 0 of 2 lines (0 of 49 bytes); missing 'Received: first message\n'"
  [[ -s $T/stuck.pid ]] || fail "the stuck publisher never ran"
  ! kill -0 "$(cat "$T/stuck.pid")" 2>/dev/null || fail "the stuck publisher was left running"
}

@test "a failure list taken back with --expected-failures: XFAIL and XPASS, and the run passes" {
  local only=(--only vector/plain --only vector/raw_unterminated_fragment)
  run "$KIT" --failure-list "$T/failures" "${only[@]}" "$MATRIX/broken-subscriber"
  assert_failure 1
  assert_line "PASS vector/plain"
  assert_line "FAIL vector/raw_unterminated_fragment: stdout ends after 0 of 1 lines (0 of 14 bytes); missing 'Received: abc\n'"
  assert_equal "$(cat "$T/failures")" "vector/raw_unterminated_fragment"

  run "$KIT" --expected-failures "$T/failures" "${only[@]}" "$MATRIX/broken-subscriber"
  assert_success
  assert_line --partial "XFAIL vector/raw_unterminated_fragment: "
  assert_line "PASS vector/plain"

  printf 'vector/plain\n' >>"$T/failures"
  run "$KIT" --expected-failures "$T/failures" "${only[@]}" "$MATRIX/broken-subscriber"
  assert_success
  assert_line "XPASS vector/plain"
}

@test "TAP and JUnit output; usage errors exit 2" {
  run "$KIT" --tap --only vector/raw_unterminated_fragment "$MATRIX/broken-subscriber"
  assert_failure 1
  assert_line "1..1"
  assert_line --partial "not ok 1 - vector/raw_unterminated_fragment [required]"

  run "$KIT" --junit "$T/junit.xml" --only vector/plain --role subscriber cat '{pipe}'
  assert_success
  python3 -c '
import sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot().find("testsuite")
assert suite.get("tests") == "1" and suite.get("failures") == "0", suite.attrib
assert suite.find("testcase").get("name") == "vector/plain"' "$T/junit.xml"

  run "$KIT" 'cat {pipe}' # no role: not in the name, no --role
  assert_failure 2
  assert_output --partial "give --role publisher or --role subscriber"
  run "$KIT" --no-such-option "$MATRIX/broken-subscriber"
  assert_failure 2
  run "$KIT" --only no/such/case "$MATRIX/broken-subscriber"
  assert_failure 2
  run "$KIT" --peer "$MATRIX/broken-publisher" "$MATRIX/broken-publisher"
  assert_failure 2
  assert_output --partial "conformance: error: --peer names a publisher: the PROGRAM under test must be a subscriber"
  run "$KIT" --peer ./no-such-publisher "$MATRIX/broken-subscriber"
  assert_failure 2
  assert_output --partial "conformance: error: --peer: ./no-such-publisher: no such program"
}

@test "--peer: a publisher that ends badly is named in the failure" {
  printf '#!/bin/sh\necho "failing-publisher: cannot go on" >&2\nexit 3\n' >"$T/failing-publisher"
  chmod +x "$T/failing-publisher"
  run "$KIT" --only vector/plain --peer "$T/failing-publisher" "$BIN_DIR/c-subscriber"
  assert_failure 1
  assert_line "FAIL vector/plain: stdout ends after 0 of 3 lines (0 of 56 bytes); missing 'Received: hello\n' (the publisher failing-publisher exited with status 3; stderr: 'failing-publisher: cannot go on')"
}
