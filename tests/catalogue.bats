#!/usr/bin/env bats
# catalogue.bats: tests/README.md describes every test of the suite, in the
# manner of gRPC's interop test descriptions, and describes nothing that is
# not there. Its section "Catalogue of tests" has a heading "### FILE.bats"
# per test file and, under it, an entry per @test that starts
#   - **NAME** — 
# with NAME exactly as on the @test line (the part tests/run adds in front,
# "[go -> python] ", is not part of it).
#
# tests/run runs this file once.

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"
load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/catalogue"

@test "every @test in tests/*.bats has an entry in the catalogue of tests/README.md" {
  local f missing=()
  for f in "$TESTS_DIR"/*.bats; do
    while IFS= read -r name; do
      catalogue_entries "${f##*/}" | grep -qxF -- "$name" ||
        missing+=("tests/${f##*/}: @test \"$name\" has no entry under \"### ${f##*/}\" in tests/README.md")
    done < <(test_names "$f")
  done
  ((${#missing[@]} == 0)) || fail "$(printf '%s\n' "${missing[@]}")"
}

@test "every entry in the catalogue of tests/README.md names an existing @test" {
  local file name stray=()
  while IFS= read -r file; do
    if [[ ! -f $TESTS_DIR/$file ]]; then
      stray+=("tests/README.md: section \"### $file\": there is no tests/$file")
      continue
    fi
    while IFS= read -r name; do
      test_names "$TESTS_DIR/$file" | grep -qxF -- "$name" ||
        stray+=("tests/README.md: section \"### $file\": entry \"$name\" names no @test in tests/$file")
    done < <(catalogue_entries "$file")
  done < <(catalogue_files)
  ((${#stray[@]} == 0)) || fail "$(printf '%s\n' "${stray[@]}")"
}
