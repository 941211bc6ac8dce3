#!/usr/bin/env bats
# pair.bats: the conformance kit (tests/conformance) run over one pair (PUB,
# SUB): a test per case the kit defines, named as the case, so that a case
# added to the kit is checked for every pair, and defined once.
#
#   PUB -> SUB     tests/conformance --peer PUB SUB: PUB is given each case's
#                  lines on its standard input and SUB is tested; checked are
#                  SUB's stdout byte for byte and its exit status, and PUB's
#                  exit status, stderr (waiting notices aside) and empty
#                  stdout. The raw vectors, bytes no publisher produces, are
#                  not cases of a pair.
#   printf -> SUB  tests/conformance SUB: the kit writes the bytes into the
#                  FIFO itself, as printf would (the raw vectors too).
#   PUB -> cat     tests/conformance PUB: the kit reads the FIFO itself, as
#                  cat would, and checks the bytes PUB writes.
#
# `tests/conformance --list` says what each case sends and checks. The kit
# runs once for the file (setup_file), its cases in parallel; each test
# reports its case's line. tests/run leaves out the cases that cannot apply
# to the pair (those the kit does not list for it).
#
# tests/run runs this file once per pair; by hand:
#   PUB=go SUB=python bats tests/pair.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

KIT=$REPO_DIR/tests/conformance

setup_file() {
  local args
  mapfile -t args < <(kit_pair_args "$PUB" "$SUB")
  ((${#args[@]})) || return 0
  # The cases of this pair, and their results. A hang guard only: the kit
  # bounds every wait of its own.
  "$KIT" --list "${args[@]}" >"$BATS_FILE_TMPDIR/list" 2>&1 || echo "(the kit's --list failed: $?)" >>"$BATS_FILE_TMPDIR/list"
  cut -f1 "$BATS_FILE_TMPDIR/list" >"$BATS_FILE_TMPDIR/cases"
  TMPDIR=$BATS_FILE_TMPDIR timeout $((HANG * 9)) "$KIT" "${args[@]}" >"$BATS_FILE_TMPDIR/kit.out" 2>&1 ||
    echo "(the kit's exit status: $?)" >>"$BATS_FILE_TMPDIR/kit.out"
}

# kit_case NAME: the kit's result for the case NAME in this pair.
kit_case() {
  local out=$BATS_FILE_TMPDIR/kit.out outcome reason
  kit_pair_args "$PUB" "$SUB" >/dev/null || not_applicable "printf and cat: neither end is a program under test"
  grep -q "^[a-z]*/" "$BATS_FILE_TMPDIR/cases" ||
    fail "the kit listed no case for this pair: $(head -n 5 "$BATS_FILE_TMPDIR/list")"
  grep -qxF -- "$1" "$BATS_FILE_TMPDIR/cases" ||
    not_applicable "not a case of this pair (tests/conformance --list $(kit_pair_args "$PUB" "$SUB" | tr '\n' ' '))"
  IFS=$'\t' read -r outcome reason < <(awk -v name="$1" '
    ($1 == "PASS" || $1 == "FAIL" || $1 == "N/A") && ($2 == name || $2 == name ":") {
      line = $0; sub(/^[^ ]+ [^ ]+ ?/, "", line); print $1 "\t" line; exit }' "$out")
  case $outcome in
    PASS) ;;
    N/A) not_applicable "$reason" ;;
    FAIL) fail "$1: $reason" ;;
    *) fail "the kit gave no result for $1; its output ends: $(tail -n 5 "$out")" ;;
  esac
}

@test "every case of the conformance kit has a test in pair.bats" {
  local name names missing=()
  names=$(kit_case_names) || fail "tests/conformance --list failed"
  while IFS= read -r name; do
    grep -qxF "@test \"$name\" { kit_case $name; }" "$TESTS_DIR/pair.bats" ||
      missing+=("@test \"$name\" { kit_case $name; }")
  done <<<"$names"
  ((${#missing[@]} == 0)) || fail "$(printf 'cases without a test; add to pair.bats:\n'; printf '  %s\n' "${missing[@]}")"
}

@test "vector/plain" { kit_case vector/plain; }
@test "vector/crlf" { kit_case vector/crlf; }
@test "vector/empty_lines" { kit_case vector/empty_lines; }
@test "vector/exit_exact_match" { kit_case vector/exit_exact_match; }
@test "vector/exit_in_middle" { kit_case vector/exit_in_middle; }
@test "vector/many_messages" { kit_case vector/many_messages; }
@test "vector/max_length" { kit_case vector/max_length; }
@test "vector/max_length_crlf" { kit_case vector/max_length_crlf; }
@test "vector/nul_and_invalid_utf8" { kit_case vector/nul_and_invalid_utf8; }
@test "vector/raw_crlf" { kit_case vector/raw_crlf; }
@test "vector/raw_empty_frames" { kit_case vector/raw_empty_frames; }
@test "vector/raw_exit" { kit_case vector/raw_exit; }
@test "vector/raw_exit_cr" { kit_case vector/raw_exit_cr; }
@test "vector/raw_limit" { kit_case vector/raw_limit; }
@test "vector/raw_limit/stderr" { kit_case vector/raw_limit/stderr; }
@test "vector/raw_overlong_fragment" { kit_case vector/raw_overlong_fragment; }
@test "vector/raw_overlong_fragment/stderr" { kit_case vector/raw_overlong_fragment/stderr; }
@test "vector/raw_overlong_frame" { kit_case vector/raw_overlong_frame; }
@test "vector/raw_overlong_frame/stderr" { kit_case vector/raw_overlong_frame/stderr; }
@test "vector/raw_plain" { kit_case vector/raw_plain; }
@test "vector/raw_unterminated_fragment" { kit_case vector/raw_unterminated_fragment; }
@test "vector/spaces_kept" { kit_case vector/spaces_kept; }
@test "vector/too_long" { kit_case vector/too_long; }
@test "vector/trailing_cr_rejected" { kit_case vector/trailing_cr_rejected; }
@test "vector/unterminated_last_line" { kit_case vector/unterminated_last_line; }
@test "vector/utf8_text" { kit_case vector/utf8_text; }
@test "vector/plain/raw" { kit_case vector/plain/raw; }
@test "vector/crlf/raw" { kit_case vector/crlf/raw; }
@test "vector/empty_lines/raw" { kit_case vector/empty_lines/raw; }
@test "vector/exit_exact_match/raw" { kit_case vector/exit_exact_match/raw; }
@test "vector/exit_in_middle/raw" { kit_case vector/exit_in_middle/raw; }
@test "vector/many_messages/raw" { kit_case vector/many_messages/raw; }
@test "vector/max_length/raw" { kit_case vector/max_length/raw; }
@test "vector/max_length_crlf/raw" { kit_case vector/max_length_crlf/raw; }
@test "vector/nul_and_invalid_utf8/raw" { kit_case vector/nul_and_invalid_utf8/raw; }
@test "vector/raw_crlf/raw" { kit_case vector/raw_crlf/raw; }
@test "vector/raw_empty_frames/raw" { kit_case vector/raw_empty_frames/raw; }
@test "vector/raw_exit/raw" { kit_case vector/raw_exit/raw; }
@test "vector/raw_exit_cr/raw" { kit_case vector/raw_exit_cr/raw; }
@test "vector/raw_limit/raw" { kit_case vector/raw_limit/raw; }
@test "vector/raw_overlong_fragment/raw" { kit_case vector/raw_overlong_fragment/raw; }
@test "vector/raw_overlong_frame/raw" { kit_case vector/raw_overlong_frame/raw; }
@test "vector/raw_plain/raw" { kit_case vector/raw_plain/raw; }
@test "vector/raw_unterminated_fragment/raw" { kit_case vector/raw_unterminated_fragment/raw; }
@test "vector/spaces_kept/raw" { kit_case vector/spaces_kept/raw; }
@test "vector/too_long/raw" { kit_case vector/too_long/raw; }
@test "vector/trailing_cr_rejected/raw" { kit_case vector/trailing_cr_rejected/raw; }
@test "vector/unterminated_last_line/raw" { kit_case vector/unterminated_last_line/raw; }
@test "vector/utf8_text/raw" { kit_case vector/utf8_text/raw; }
@test "lifecycle/subscriber-first" { kit_case lifecycle/subscriber-first; }
@test "lifecycle/publisher-first" { kit_case lifecycle/publisher-first; }
@test "lifecycle/publishers-come-and-go" { kit_case lifecycle/publishers-come-and-go; }
@test "lifecycle/several-publishers-at-once" { kit_case lifecycle/several-publishers-at-once; }
@test "lifecycle/follows-path" { kit_case lifecycle/follows-path; }
@test "exit/stops" { kit_case exit/stops; }
@test "exit/stops/raw" { kit_case exit/stops/raw; }
@test "signals/sigint" { kit_case signals/sigint; }
@test "signals/sigterm" { kit_case signals/sigterm; }
@test "options/once" { kit_case options/once; }
@test "vector/too_long/stderr" { kit_case vector/too_long/stderr; }
@test "vector/trailing_cr_rejected/stderr" { kit_case vector/trailing_cr_rejected/stderr; }
@test "lifecycle/subscriber-goes-away" { kit_case lifecycle/subscriber-goes-away; }
@test "lifecycle/keeps-pipe-until-empty" { kit_case lifecycle/keeps-pipe-until-empty; }
