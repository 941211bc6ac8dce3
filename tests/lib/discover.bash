# tests/lib/discover.bash: which programs the suite runs, and how the
# conformance kit runs a pair of them. Sourced by tests/run (to build the
# matrix) and by lib/common.bash (for the tests), so both always see the
# same.
#
# A program is an executable bin/LANG-ROLE, so a new language joins the
# suite by adding its executables, and nothing names the languages.

# real_programs ROLE: the names (c, go, ...) of the executables
# $BIN_DIR/*-ROLE (ROLE is publisher or subscriber), one a line, sorted.
real_programs() {
  local f
  for f in "$BIN_DIR"/*-"$1"; do
    [[ -x $f ]] && basename "${f%-"$1"}"
  done
  return 0
}

# kit_pair_args PUB SUB: the arguments of tests/conformance that run the
# pair PUB -> SUB (pair.bats), one a line: the kit tests SUB with PUB sending
# (--peer); with printf as the publisher it writes the bytes itself, and
# with cat as the subscriber it reads them itself. Status 1 for printf ->
# cat, where neither end is a program under test.
kit_pair_args() {
  if [[ $1 == printf && $2 == cat ]]; then
    return 1
  elif [[ $1 == printf ]]; then
    printf '%s\n' "$BIN_DIR/$2-subscriber"
  elif [[ $2 == cat ]]; then
    printf '%s\n' "$BIN_DIR/$1-publisher"
  else
    printf '%s\n' --peer "$BIN_DIR/$1-publisher" "$BIN_DIR/$2-subscriber"
  fi
}

# kit_case_names: the names of every case of the conformance kit, both
# roles, one a line, each once. Fails when the kit cannot list them.
kit_case_names() {
  local role listed
  for role in subscriber publisher; do
    listed=$("$TESTS_DIR/conformance" --list --role "$role" x) || return 1
    cut -f1 <<<"$listed"
  done | awk '!seen[$0]++'
}
