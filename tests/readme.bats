#!/usr/bin/env bats
# readme.bats: every shell command README.md shows runs, in the README's own
# order, as a reader following it would run them: from the repository's top
# directory, in a private /tmp (a mount namespace of its own, so the real
# /tmp/mypipe is never touched), one terminal per `# terminal N` part of a
# block, side by side, each keeping its directory from block to block as a
# person's terminal does. A block's expected output (`<!-- readme-test:
# expect: TEXT -->` above it) must show; a block marked `skip` says why.
# tests/lib/readme_blocks.py cuts the blocks out.
#
# tests/run runs this file once; by hand: bats tests/readme.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

README=$REPO_DIR/README.md

setup() {
  common_setup
  python3 "$TESTS_DIR/lib/readme_blocks.py" "$README" "$T/blocks" >"$T/count"
}

# terminal_script K BLOCK_FILE: what terminal K runs for one block: the
# block, in the directory where terminal K's last block left it (a `cd`
# carries over from block to block, as it does in a person's terminal).
terminal_script() {
  # shellcheck disable=SC2016 # expanded by the terminal's shell
  printf 'cd "$(cat /tmp/cwd.%d 2>/dev/null || pwd)"\n%s\npwd >/tmp/cwd.%d\n' "$1" "$(<"$2")" "$1"
}

# walk: the script that runs every block, one after the other, each terminal
# under its own hang guard; it stops at the first block that fails. The
# blocks' text is written into it: the private /tmp hides $T.
walk() {
  local n k last list
  echo 'set -u; export GOFLAGS=-buildvcs=false GOPROXY=off'
  printf 'cd %q\n' "$REPO_DIR"
  for ((n = 1; n <= $(<"$T/count"); n++)); do
    [[ -e $T/blocks/$n.skip ]] && continue
    last=$(find "$T/blocks" -name "$n.t*.sh" | wc -l)
    printf 'echo "=== block %d (README.md line %d)"\n' "$n" "$(<"$T/blocks/$n.line")"
    printf 'pids=() servers=()\n'
    for ((k = 1; k < last; k++)); do
      # A terminal the reader stops with Ctrl-C (a broker) is stopped so
      # once the others are done.
      list=pids
      grep -qx "$k" "$T/blocks/$n.stop" 2>/dev/null && list=servers
      printf 'timeout -k 5 120 bash -eo pipefail -c %q </dev/null >/tmp/out.%d.%d 2>&1 & %s+=($!)\n' \
        "$(terminal_script "$k" "$T/blocks/$n.t$k.sh")" "$n" "$k" "$list"
    done
    printf 'timeout -k 5 120 bash -eo pipefail -c %q </dev/null >/tmp/out.%d.%d 2>&1 || { cat /tmp/out.%d.*; echo "block %d: terminal %d failed"; exit 1; }\n' \
      "$(terminal_script "$last" "$T/blocks/$n.t$last.sh")" "$n" "$last" "$n" "$n" "$last"
    # shellcheck disable=SC2016 # written into the walk script as it is
    printf 'for p in "${pids[@]}"; do wait "$p" || { cat /tmp/out.%d.*; echo "block %d: a terminal failed"; exit 1; }; done\n' "$n" "$n"
    # shellcheck disable=SC2016 # written into the walk script as it is
    printf 'for p in "${servers[@]}"; do kill -INT "$p"; wait "$p" || true; done\n'
    printf 'cat /tmp/out.%d.* >/tmp/out.%d\n' "$n" "$n"
    if [[ -e $T/blocks/$n.expect ]]; then
      while IFS= read -r text; do
        printf 'grep -qF -- %q /tmp/out.%d || { cat /tmp/out.%d; echo "block %d: expected %q in its output"; exit 1; }\n' \
          "$text" "$n" "$n" "$n" "$text"
      done <"$T/blocks/$n.expect"
    fi
  done
  echo 'echo "=== every block ran"'
}

@test "every shell block of README.md runs, in order, in a private /tmp" {
  [[ $(id -u) == 0 ]] || skip "needs root for a private /tmp (unshare -m and a bind mount)"
  unshare -m --propagation private true 2>/dev/null || skip "needs a private mount namespace (unshare -m)"
  walk >"$T/walk.sh"
  # The private /tmp is an empty directory of this test's, bound over /tmp.
  # The script is read before: it lives under the old /tmp. When the
  # repository itself lives under /tmp (a CI clone, say), it is carried
  # into the new /tmp at the same path.
  mkdir "$T/tmp"
  # shellcheck disable=SC2016 # expanded by the inner bash
  run timeout -k 5 900 unshare -m --propagation private bash -c '
    script=$(<"$1") tmp=$2 repo=$3
    if [[ $repo == /tmp/* ]]; then
      mkdir -p "$tmp/${repo#/tmp/}" && mount --bind "$repo" "$tmp/${repo#/tmp/}" || exit 99
    fi
    mount --rbind "$tmp" /tmp && cd "$repo" && bash -c "$script"' walk "$T/walk.sh" "$T/tmp" "$REPO_DIR"
  ((status == 0)) || fail "$(printf 'README.md walkthrough failed (status %s):\n%s\n' "$status" "$output")"
  assert_line "=== every block ran"
}

@test "every skipped README block says why" {
  local n reason missing=()
  for ((n = 1; n <= $(<"$T/count"); n++)); do
    [[ -e $T/blocks/$n.skip ]] || continue
    reason=$(<"$T/blocks/$n.skip")
    [[ ${#reason} -ge 10 ]] || missing+=("block $n (README.md line $(<"$T/blocks/$n.line")): skip reason '$reason' says nothing")
  done
  ((${#missing[@]} == 0)) || fail "$(printf '%s\n' "${missing[@]}")"
  (($(<"$T/count") >= 10)) || fail "README.md has only $(<"$T/count") sh blocks: were they renamed?"
}
