#!/usr/bin/env bats
# pair.bats: one publisher and one subscriber (PUB, SUB) through every golden
# vector of shared/vectors/ (PROTOCOL.md section 7).
#
# For each case the subscriber starts first with --once and waits in open();
# the publisher then sends the case's input and both run to the end. Checked:
# the subscriber's stdout byte for byte against NAME.out (cat's against the
# pipe bytes NAME.pipe, since cat prints frames raw), both exit statuses, and
# both stderr streams against NAME.err (with {prog} and {pipe} filled in; the
# publisher's waiting notice is left out, as it depends on timing).
#
# Every case runs twice: as above, and with the subscriber run with --raw
# ("plain --raw"), its stdout checked against NAME.out-raw (each message and
# LF, exit as exit). cat prints raw already and takes no options: its raw
# runs are skipped.
#
# Raw cases (NAME.in, no NAME.pipe) are bytes no publisher produces: they are
# written by the printf publisher only, and cat cannot check them.
#
# tests/run runs this file once per pair; by hand:
#   PUB=go SUB=python bats tests/pair.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

# check_case NAME [--raw]: run the pair on the vector NAME, the subscriber
# with --once (and --raw).
check_case() {
  local v=$VECTORS/$1 raw=${2:-} pub sub out
  out=$v.out${raw:+-raw}
  [[ -e $v.in && -e $out ]] || fail "vector $1 is missing from $VECTORS (${v##*/}.in, ${out##*/})"
  [[ -z $raw || $SUB != cat ]] ||
    not_applicable "cat takes no --raw: it prints raw already, checked by the case without --raw"
  pub=$(pub_prog)
  sub=$(sub_prog)

  if [[ ! -e $v.pipe ]]; then # a raw case
    [[ $PUB == printf ]] ||
      not_applicable "raw case: its bytes go straight into the pipe, and no publisher produces them (run with printf)"
    [[ $SUB != cat ]] ||
      not_applicable "raw case: it checks how a subscriber parses frames, and cat does not parse them"
  fi

  start_sub sub --once ${raw:+"$raw"}
  wait_sub_ready sub
  if [[ -e $v.pipe ]]; then
    start_pub pub "$v.in" "$v.pipe"
  else
    start_pub pub "$v.in" "$v.in"
  fi
  finish pub
  finish sub

  # The publisher: exit status 1 exactly when it rejected a line (NAME.err),
  # no prompt on stdout (its stdin is a file), the expected error lines.
  # shellcheck disable=SC2153 # STATUS is filled by finish (lib/common.bash)
  if [[ $PUB != printf ]]; then
    if [[ -e $v.pipe && -e $v.err ]]; then
      expect_status pub 1
      expand_err "$v.err" "$pub" "$T/want-pub-err"
      mapfile -t lines <"$T/want-pub-err"
      assert_err_lines_but_waiting pub "$pub" "${lines[@]}"
    else
      expect_status pub 0
      assert_err_lines_but_waiting pub "$pub"
    fi
    assert_out_lines pub
  elif [[ ${STATUS[pub]} != 0 ]] && grep -qax exit "$v.in"; then
    # The subscriber may stop at exit before printf wrote what follows it:
    # then printf dies of SIGPIPE, as it should.
    expect_status pub 141
  else
    expect_status pub 0
  fi

  # The subscriber.
  expect_status sub 0
  if [[ $SUB == cat ]]; then
    assert_same_bytes "bytes in the pipe (cat's stdout)" "$v.pipe" "$T/sub.out"
    assert_err_lines sub
  else
    assert_out sub "$out"
    if [[ ! -e $v.pipe && -e $v.err ]]; then
      expand_err "$v.err" "$sub" "$T/want-sub-err"
      assert_same_bytes "sub's stderr" "$T/want-sub-err" "$T/sub.err"
    else
      assert_err_lines sub
    fi
  fi
}

@test "every vector in shared/vectors has a test in pair.bats, with and without --raw" {
  local f name missing=()
  for f in "$VECTORS"/*.in; do
    name=$(basename "$f" .in)
    grep -qxF "@test \"$name\" { check_case $name; }" "$TESTS_DIR/pair.bats" ||
      missing+=("@test \"$name\" { check_case $name; }")
    grep -qxF "@test \"$name --raw\" { check_case $name --raw; }" "$TESTS_DIR/pair.bats" ||
      missing+=("@test \"$name --raw\" { check_case $name --raw; }")
  done
  ((${#missing[@]} == 0)) || fail "$(printf 'vectors without a test; add to pair.bats:\n'; printf '  %s\n' "${missing[@]}")"
}

@test "plain" { check_case plain; }
@test "exit_in_middle" { check_case exit_in_middle; }
@test "exit_exact_match" { check_case exit_exact_match; }
@test "empty_lines" { check_case empty_lines; }
@test "crlf" { check_case crlf; }
@test "spaces_kept" { check_case spaces_kept; }
@test "nul_and_invalid_utf8" { check_case nul_and_invalid_utf8; }
@test "utf8_text" { check_case utf8_text; }
@test "max_length" { check_case max_length; }
@test "max_length_crlf" { check_case max_length_crlf; }
@test "too_long" { check_case too_long; }
@test "trailing_cr_rejected" { check_case trailing_cr_rejected; }
@test "unterminated_last_line" { check_case unterminated_last_line; }
@test "many_messages" { check_case many_messages; }
@test "raw_plain" { check_case raw_plain; }
@test "raw_crlf" { check_case raw_crlf; }
@test "raw_empty_frames" { check_case raw_empty_frames; }
@test "raw_unterminated_fragment" { check_case raw_unterminated_fragment; }
@test "raw_overlong_frame" { check_case raw_overlong_frame; }
@test "raw_limit" { check_case raw_limit; }
@test "raw_overlong_fragment" { check_case raw_overlong_fragment; }
@test "raw_exit" { check_case raw_exit; }
@test "raw_exit_cr" { check_case raw_exit_cr; }

@test "plain --raw" { check_case plain --raw; }
@test "exit_in_middle --raw" { check_case exit_in_middle --raw; }
@test "exit_exact_match --raw" { check_case exit_exact_match --raw; }
@test "empty_lines --raw" { check_case empty_lines --raw; }
@test "crlf --raw" { check_case crlf --raw; }
@test "spaces_kept --raw" { check_case spaces_kept --raw; }
@test "nul_and_invalid_utf8 --raw" { check_case nul_and_invalid_utf8 --raw; }
@test "utf8_text --raw" { check_case utf8_text --raw; }
@test "max_length --raw" { check_case max_length --raw; }
@test "max_length_crlf --raw" { check_case max_length_crlf --raw; }
@test "too_long --raw" { check_case too_long --raw; }
@test "trailing_cr_rejected --raw" { check_case trailing_cr_rejected --raw; }
@test "unterminated_last_line --raw" { check_case unterminated_last_line --raw; }
@test "many_messages --raw" { check_case many_messages --raw; }
@test "raw_plain --raw" { check_case raw_plain --raw; }
@test "raw_crlf --raw" { check_case raw_crlf --raw; }
@test "raw_empty_frames --raw" { check_case raw_empty_frames --raw; }
@test "raw_unterminated_fragment --raw" { check_case raw_unterminated_fragment --raw; }
@test "raw_overlong_frame --raw" { check_case raw_overlong_frame --raw; }
@test "raw_limit --raw" { check_case raw_limit --raw; }
@test "raw_overlong_fragment --raw" { check_case raw_overlong_fragment --raw; }
@test "raw_exit --raw" { check_case raw_exit --raw; }
@test "raw_exit_cr --raw" { check_case raw_exit_cr --raw; }
