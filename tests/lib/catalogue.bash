# tests/lib/catalogue.bash: reading the catalogue of tests in tests/README.md
# and the @test lines of the test files, for catalogue.bats.
#
# The catalogue is the README's section "## Catalogue of tests": a heading
# "### FILE.bats" per test file, then an entry per test, a list item that
# starts "- **NAME** — " (NAME as on its @test line), continued on lines
# indented by two spaces.

CATALOGUE=${CATALOGUE:-$TESTS_DIR/README.md}

# test_names FILE: the names of FILE's tests, one a line, as on their
# `@test "NAME" {` lines.
test_names() {
  sed -nE 's/^[[:space:]]*@test "([^"]*)" \{.*$/\1/p' "$1"
}

# catalogue_files: the files the catalogue has a section for, one a line.
catalogue_files() {
  awk '/^## / { inside = ($0 == "## Catalogue of tests"); next }
    inside && /^### / { print substr($0, 5) }' "$CATALOGUE"
}

# catalogue_entries FILE: the names of the entries in FILE's section. The
# tests of pair.bats are the conformance kit's cases, described by the kit
# itself (`tests/conformance --list`): their entries are that list, and the
# one test of pair.bats's own.
catalogue_entries() {
  if [[ $1 == pair.bats ]]; then
    kit_case_names
  fi
  awk -v file="$1" '
    /^## / { inside = ($0 == "## Catalogue of tests"); next }
    !inside { next }
    /^### / { mine = (substr($0, 5) == file); next }
    mine && /^- \*\*/ {
      name = substr($0, 5)
      end = index(name, "** — ")
      if (end) print substr(name, 1, end - 1)
      else print "(an entry not in the form - **NAME** — ...: " $0 ")"
    }' "$CATALOGUE"
}
