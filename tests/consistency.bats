#!/usr/bin/env bats
# consistency.bats: programs of the same role tell the user the same thing
# (PROTOCOL.md section 1): every publisher's --help is the same text apart
# from the program's name, and so is every subscriber's; likewise their
# answers to a usage error. One program checked against the protocol is
# cli.bats; this file compares the implementations with each other, so a
# change made to one and not the others shows here.
#
# tests/run runs this file once, over every program in bin/.

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

# same_for_all ROLE WHAT ARGS...: run every bin/*-ROLE with ARGS; WHAT (out
# or err) must be the same for all once each name is replaced by PROG.
same_for_all() {
  local role=$1 what=$2 names=() n first=
  shift 2
  mapfile -t names < <(real_programs "$role")
  ((${#names[@]} >= 2)) || skip "fewer than two ${role}s in $BIN_DIR: nothing to compare"
  for n in "${names[@]}"; do
    run_fg "$n" - env PIPE_PATH="$PIPE" "$BIN_DIR/$n-$role" "$@"
    sed "s/$n-$role/PROG/g" "$T/$n.$what" >"$T/$n.$what-generic"
    [[ -s $T/$n.$what-generic ]] || fail "$n-$role $* printed nothing on std$what"
    if [[ -z $first ]]; then
      first=$n
    else
      assert_same_bytes "$n-$role's std$what for $* (name replaced; compared with $first-$role's)" \
        "$T/$first.$what-generic" "$T/$n.$what-generic"
    fi
  done
}

@test "every publisher prints the same --help, apart from its name" {
  same_for_all publisher out --help
}

@test "every subscriber prints the same --help, apart from its name" {
  same_for_all subscriber out --help
}

@test "every publisher words a usage error the same way" {
  same_for_all publisher err --pipe
}

@test "every subscriber words a usage error the same way" {
  same_for_all subscriber err --bogus
}
