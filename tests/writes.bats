#!/usr/bin/env bats
# writes.bats: how one publisher, PROG, writes into the pipe (PROTOCOL.md
# sections 2 and 3.5): every write() carries whole frames only, at most 4096
# bytes (PIPE_BUF), and the kernel takes all of it. This is what keeps frames
# of several publishers from interleaving; concurrency.bats checks the result
# end to end, where a frame split into two writes only shows when another
# publisher happens to write in between. Here strace shows every write.
#
# tests/run runs this file once per publisher in bin/; by hand:
#   PROG=go-publisher bats tests/writes.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

@test "every write() into the pipe is whole frames, at most 4096 bytes" {
  command -v strace >/dev/null || skip "strace is not installed"
  strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
  # Short and long messages, 4095 bytes among them, and an input long
  # enough to fill many batches.
  {
    cat "$VECTORS/many_messages.pipe" "$VECTORS/max_length.pipe"
    awk 'BEGIN { for (i = 1; i <= 300; i++) { s = sprintf("%d ", i); while (length(s) < (i * 997) % 4096) s = s "x"; print s } }'
  } >"$T/input"

  ensure_fifo
  spawn sub - cat "$PIPE"
  wait_sub_ready sub
  run_fg pub "$T/input" strace -f -qq -y -xx -s 8192 -e trace=write -o "$T/trace" \
    "$BIN_DIR/$PROG" --pipe "$PIPE"
  finish sub
  expect_status pub 0
  assert_same_bytes "the bytes in the pipe" "$T/input" "$T/sub.out"

  # Lines like: 123 write(3</path/pipe>, "\x61\x0a", 2) = 2, where -xx
  # writes the path in hex too.
  local hexpath
  hexpath=$(printf '%s' "$PIPE" | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')
  grep -F "write(" "$T/trace" | grep -F "<$hexpath>" >"$T/writes" || true
  [[ -s $T/writes ]] || fail "$(printf 'strace saw no write() into %s:\n' "$PIPE"; cut -c 1-200 "$T/trace" | head -n 20)"
  awk '
    {
      data = $0; sub(/^[^"]*"/, "", data); sub(/", [0-9]+\) += .*$/, "", data)
      n = length(data) / 4
      len = $0; sub(/^.*", /, "", len); sub(/\).*$/, "", len)
      ret = $0; sub(/^.*\) += /, "", ret)
      if (n != len + 0 || data !~ /\\x0a$/ || len + 0 > 4096 || ret != len)
        printf "write of %d bytes (returned %s), %s in LF: %s\n", len, ret,
          (data ~ /\\x0a$/ ? "ending" : "not ending"), substr(data, 1, 120)
    }' "$T/writes" >"$T/bad"
  [[ ! -s $T/bad ]] || fail "$(printf '%s wrote parts of frames, or more than 4096 bytes at once:\n' "$PROG"; head -n 10 "$T/bad")"
}
