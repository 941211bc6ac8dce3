#!/usr/bin/env bats
# concurrency.bats: several publishers, of every language in bin/, write into
# one FIFO at the same time, read by one subscriber, SUB (PROTOCOL.md sections
# 2 and 6). Each publisher sends thousands of messages of varied lengths up to
# the 4095-byte limit; frames of at most PIPE_BUF bytes are written whole, so
# every message must arrive exactly once, whole, and in its publisher's
# order, whatever the interleaving between publishers.
#
# The test holds the FIFO open itself while the publishers come and go, so
# the subscriber (--once) meets end of file once, after the last of them.
# With cat as the subscriber this checks the bytes the publishers put in the
# pipe. The printf publisher is not used: the shell's printf makes no promise
# to write a frame in one write().
#
# tests/run runs this file once per subscriber; by hand:
#   SUB=python bats tests/concurrency.bats
# PUBS (e.g. "c go") picks the publishers, default every bin/*-publisher;
# the test names them: "[c+go -> python] publishers at once...".

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

N_PUBLISHERS=${N_PUBLISHERS:-4}
N_MESSAGES=${N_MESSAGES:-2000}
HANG=$((HANG * 3)) # more data than elsewhere, on a busy machine

# make_input K: N_MESSAGES messages of publisher K, one a line: "PK NNNNNN "
# and a filler that differs per message, 14 to 4095 bytes in all, mostly short,
# every tenth 1000 to 3999 bytes, every 97th exactly 4095.
make_input() {
  awk -v k="$1" -v n="$N_MESSAGES" 'BEGIN {
    base = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    fill = ""
    while (length(fill) < 4200) fill = fill base
    for (i = 1; i <= n; i++) {
      if (i % 97 == 0) len = 4095
      else if (i % 10 == 0) len = 1000 + (i * 131 + k * 17) % 3000
      else len = 14 + (i * 37 + k * 11) % 200
      hdr = sprintf("P%d %06d ", k, i)
      printf "%s%s\n", hdr, substr(fill, 1 + (i + k) % 62, len - length(hdr))
    }
  }'
}

# stall_reader: while any publisher runs, stop the subscriber now and then
# for a moment, so that the pipe fills up and every publisher blocks in
# write(); when it goes on, they all race to write. Not a synchronisation:
# whatever the timing, the result must be the same; this only makes
# interleaving likely, so that a frame written in pieces would show.
stall_reader() {
  local sub k running
  sub=$(main_pid sub)
  while :; do
    running=0
    for k in "${!pubs[@]}"; do alive "pub$k" && running=1; done
    ((running)) || break
    kill -STOP "$sub" 2>/dev/null || break # the checks below tell why
    sleep 0.03
    kill -CONT "$sub" 2>/dev/null || break
    sleep 0.005
  done
  kill -CONT "$sub" 2>/dev/null || true
}

@test "publishers at once, thousands of messages up to 4095 bytes: each arrives once, whole, in order" {
  local pubs=() all k i prefix=
  # shellcheck disable=SC2153 # PUBS is set by lib/common.bash: every publisher by default
  read -r -a all <<<"$PUBS"
  ((${#all[@]})) || skip "no publisher in $BIN_DIR"
  for ((i = 0; i < N_PUBLISHERS || i < ${#all[@]}; i++)); do
    pubs+=("${all[i % ${#all[@]}]}")
  done
  for k in "${!pubs[@]}"; do make_input "$k" >"$T/in$k"; done

  start_sub sub --once
  wait_sub_ready sub
  hold_pipe
  for k in "${!pubs[@]}"; do
    spawn "pub$k" "$T/in$k" "$BIN_DIR/${pubs[k]}-publisher" --pipe "$PIPE"
  done
  stall_reader
  for k in "${!pubs[@]}"; do
    finish "pub$k"
    expect_status "pub$k" 0
    assert_err_lines "pub$k" # a reader was there all along: no notice
  done
  release_pipe
  finish sub
  expect_status sub 0
  assert_err_lines sub

  [[ $SUB == cat ]] || prefix="Received: "
  for k in "${!pubs[@]}"; do
    grep -a "^${prefix}P$k " "$T/sub.out" | cut -c "$((${#prefix} + 1))-" >"$T/got$k" || true
    assert_same_bytes "the messages of publisher $k (${pubs[k]}-publisher), as received" "$T/in$k" "$T/got$k"
  done
  local want=$((${#pubs[@]} * N_MESSAGES)) got
  got=$(wc -l <"$T/sub.out")
  ((got == want)) || fail "$(printf '%s lines received, %s messages sent; lines that belong to no publisher:\n' "$got" "$want"
    grep -av "^${prefix}P[0-9]* " "$T/sub.out" | head -c 2000 | cat -A)"
}
