# tests/lib/discover.bash: which programs the suite runs. Sourced by tests/run
# (to build the matrix) and by lib/common.bash (for tests that compare
# programs), so both always see the same list.
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
