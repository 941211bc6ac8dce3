#!/usr/bin/env bats
# cli.bats: the command line of one program, PROG (PROTOCOL.md sections 1
# and 5): --help and --version, usage errors (status 2, one stderr line
# that starts with the program's name and names the bad option, in the
# words of the language's own parser; nothing on stdout, no FIFO made;
# --once and --raw are a subscriber's and unknown to a publisher), and which pipe path wins: --pipe
# (the last one given), else PIPE_PATH when set and not empty, else
# /tmp/mypipe.
#
# Where a program would wait, the test checks which FIFO it made and sleeps
# in open() on, then stops it with SIGTERM.
#
# tests/run runs this file once per program in bin/; by hand:
#   PROG=go-publisher bats tests/cli.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

role() { prog_role "$PROG"; }

# run_cli NAME ARGS...: run PROG with ARGS to its end, PIPE_PATH set to a path
# in the test's directory (so that a mistake cannot reach /tmp/mypipe).
run_cli() {
  local name=$1
  shift
  run_fg "$name" - env PIPE_PATH="$PIPE" "$BIN_DIR/$PROG" "$@"
}

# usage_error ARGS... -- WORD: PROG ARGS exits 2 with one line on stderr
# that starts with "PROG: " and names WORD (the bad option or argument;
# the wording is the parser's own), nothing on stdout, and no FIFO made.
usage_error() {
  local args=()
  while [[ $1 != -- ]]; do
    args+=("$1")
    shift
  done
  run_cli p "${args[@]}"
  expect_status p 2
  [[ $(wc -l <"$T/p.err") == 1 && $(<"$T/p.err") == "$PROG: "*"$2"* ]] ||
    fail "$(printf 'expected one line "%s: ..." naming %s; got:\n' "$PROG" "$2"; cat -A "$T/p.err")"
  assert_out_lines p
  [[ ! -e $PIPE ]] || fail "$PROG ${args[*]} made $PIPE although its arguments were wrong"
}

# wait_on_pipe NAME PATH [NAMED]: NAME made the FIFO PATH and waits on it for
# its other end. NAMED is the path as the program names it in its waiting
# notice (default PATH), for a program that sees PATH at another place.
wait_on_pipe() {
  if [[ $(prog_role "$PROG") == publisher ]]; then
    wait_pub_waiting "$1" "${3:-$2}" "$PROG"
  else
    wait_sub_ready "$1" "$2"
  fi
  [[ -p $2 ]] || fail "$(printf '%s waits but %s is not a FIFO:\n' "$PROG" "$2"; ls -la "$T")"
}

stop() {
  signal_prog "$1" TERM
  finish "$1"
  expect_status "$1" 143
}

@test "--help prints the usage text of PROTOCOL.md section 1 and exits 0" {
  protocol_usage "$(role)" "$PROG" >"$T/want"
  [[ -s $T/want ]] || fail "no usage text for a $(role) found in $PROTOCOL"
  run_cli p --help
  expect_status p 0
  assert_out p "$T/want"
  assert_err_lines p
}

@test "-h prints the same usage text as --help" {
  run_cli long --help
  run_cli short -h
  expect_status short 0
  assert_same_bytes "-h output" "$T/long.out" "$T/short.out"
  assert_err_lines short
}

@test "--help lists every option and the PIPE_PATH variable" {
  run_cli p --help
  expect_status p 0
  local want=(-p --pipe -h --help --version PIPE_PATH)
  [[ $(role) == subscriber ]] && want+=(--once --raw)
  for w in "${want[@]}"; do
    grep -qE -- "(^|[ ,\[|])$w([] ,|=]|$)" "$T/p.out" ||
      fail "$(printf '%s --help does not mention %s:\n' "$PROG" "$w"; cat "$T/p.out")"
  done
}

@test "--version prints the name and version 1.0.0" {
  run_cli p --version
  expect_status p 0
  assert_out_lines p "$PROG 1.0.0"
  assert_err_lines p
}

@test "--help acts as soon as it is met: --help --bogus exits 0" {
  run_cli p --help --bogus
  expect_status p 0
  protocol_usage "$(role)" "$PROG" >"$T/want"
  assert_out p "$T/want"
}

@test "unknown option: status 2, one line on stderr, no FIFO made" {
  usage_error --bogus -- bogus
}

@test "options are read left to right: --bogus --help is a usage error" {
  [[ $PROG != python-* ]] || not_applicable "argparse acts on --help wherever it stands (PROTOCOL.md section 1)"
  usage_error --bogus --help -- bogus
}

@test "stray argument: status 2, one line on stderr" {
  usage_error extra -- extra
}

@test "--pipe without a value: status 2, one line on stderr" {
  usage_error --pipe -- pipe
}

@test "-p without a value: status 2, one line on stderr" {
  usage_error -p -- p
}

@test "--pipe with an empty value: status 2, one line on stderr" {
  usage_error --pipe "" -- pipe
}

@test "--pipe= with an empty value: status 2, one line on stderr" {
  usage_error --pipe= -- pipe
}

# subscriber_option OPTION: a subscriber takes OPTION and waits on the pipe
# as without it; a publisher refuses it as an unknown option.
subscriber_option() {
  if [[ $(role) == publisher ]]; then
    usage_error "$1" -- "${1#--}"
  else
    spawn_prog p "$PROG" "$1" --pipe "$PIPE"
    wait_on_pipe p "$PIPE"
    stop p
    assert_out_lines p
    assert_err_lines p
  fi
}

@test "--once is for subscribers only" {
  subscriber_option --once
}

@test "--raw is for subscribers only" {
  subscriber_option --raw
}

@test "PIPE_PATH names the pipe when --pipe is not given" {
  open_feed in
  spawn p "$T/in.feed" env PIPE_PATH="$T/from-env" "$BIN_DIR/$PROG"
  wait_on_pipe p "$T/from-env"
  stop p
}

@test "--pipe wins over PIPE_PATH" {
  open_feed in
  spawn p "$T/in.feed" env PIPE_PATH="$T/from-env" "$BIN_DIR/$PROG" --pipe "$T/from-flag"
  wait_on_pipe p "$T/from-flag"
  [[ ! -e $T/from-env ]] || fail "$PROG made \$PIPE_PATH ($T/from-env) although --pipe was given"
  stop p
}

@test "the last of several --pipe, -p and --pipe= wins" {
  open_feed in
  spawn p "$T/in.feed" env PIPE_PATH="$T/from-env" "$BIN_DIR/$PROG" \
    --pipe "$T/first" -p "$T/second" --pipe="$T/third"
  wait_on_pipe p "$T/third"
  local f
  for f in from-env first second; do
    [[ ! -e $T/$f ]] || fail "$PROG made $T/$f although a later --pipe was given"
  done
  stop p
}

# with_private_tmp NAME ENV...: run PROG (no --pipe) with ENV in a private
# mount namespace where /tmp is $T/tmp, so /tmp/mypipe is $T/tmp/mypipe.
# When the repository itself lives under /tmp (a CI clone, say), it is
# carried into the stand-in /tmp at the same path, so bin/ stays reachable.
with_private_tmp() {
  local name=$1
  shift
  mkdir -p "$T/tmp"
  unshare -m --propagation private mount --bind "$T/tmp" /tmp 2>/dev/null ||
    skip "needs a private mount namespace (unshare -m, mount --bind) to stand in for /tmp"
  local repo
  repo=$(dirname "$(realpath "$BIN_DIR")")
  open_feed in
  # shellcheck disable=SC2016 # expanded by the inner bash
  spawn "$name" "$T/in.feed" unshare -m --propagation private \
    bash -c '
      tmp=$1 repo=$2
      shift 2
      if [[ $repo == /tmp/* ]]; then
        mkdir -p "$tmp/${repo#/tmp/}" && mount --bind "$repo" "$tmp/${repo#/tmp/}" || exit 99
      fi
      mount --rbind "$tmp" /tmp && cd / && exec "$@"' \
    bash "$T/tmp" "$repo" env "$@" "$BIN_DIR/$PROG"
}

@test "PIPE_PATH unset: the pipe is /tmp/mypipe" {
  with_private_tmp p -u PIPE_PATH
  wait_on_pipe p "$T/tmp/mypipe" /tmp/mypipe
  stop p
}

@test "PIPE_PATH empty counts as unset: the pipe is /tmp/mypipe" {
  with_private_tmp p PIPE_PATH=
  wait_on_pipe p "$T/tmp/mypipe" /tmp/mypipe
  stop p
}
