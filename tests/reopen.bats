#!/usr/bin/env bats
# reopen.bats: how one subscriber, PROG, opens the FIFO again at end of file
# (PROTOCOL.md section 4, step 5): it opens the FIFO anew *before* it closes
# the old descriptor. In the other order there is a moment with no reader at
# all; a publisher that opens, writes and closes in that moment leaves its
# frames in a pipe nobody holds, and the kernel frees them. The moment is far
# too short to hit on purpose, so the order itself is checked: strace shows
# every open(), read() and close() of the FIFO.
#
# tests/run runs this file once per subscriber in bin/; by hand:
#   PROG=go-subscriber bats tests/reopen.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

@test "at end of file the FIFO is opened again before the old descriptor is closed" {
  command -v strace >/dev/null || skip "strace is not installed"
  strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
  spawn sub - strace -f -qq -y -e trace=openat,open,read,close -o "$T/trace" \
    "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_until sub "holding $PIPE open" has_open sub "$PIPE"
  # A first publisher comes and goes: end of file. Once its message is
  # printed, a second one ends the subscriber.
  # shellcheck disable=SC2016 # $1 is the inner shell's
  run_fg first - bash -c 'printf "first\n" >"$1"' first "$PIPE"
  wait_out sub "Received: first"
  # shellcheck disable=SC2016 # $1 is the inner shell's
  run_fg second - bash -c 'printf "exit\n" >"$1"' second "$PIPE"
  finish sub
  expect_status sub 0
  assert_out_lines sub "Received: first" "Exiting..."

  # Lines like: 123 read(3</path/pipe>, "", 65536) = 0. The first end of
  # file on the FIFO, then what the subscriber did with the FIFO next.
  awk -v pipe="<$PIPE>" '
    index($0, pipe) == 0 && index($0, "\"" substr(pipe, 2, length(pipe) - 2) "\"") == 0 { next }
    !eof && /read\(/ && / = 0$/ { eof = 1; next }
    eof && /open(at)?\(/ && !opened { opened = NR; print "open", NR }
    eof && /close\(/ && !closed { closed = NR; print "close", NR }
  ' "$T/trace" >"$T/order"
  grep -q '^open ' "$T/order" && grep -q '^close ' "$T/order" ||
    fail "$(printf 'strace did not show the FIFO opened again and closed after end of file:\n'; grep -F -- "$PIPE" "$T/trace" | cut -c 1-160 | head -n 30)"
  local open_at close_at
  open_at=$(sed -n 's/^open //p' "$T/order")
  close_at=$(sed -n 's/^close //p' "$T/order")
  ((open_at < close_at)) ||
    fail "$(printf '%s closed the FIFO (trace line %s) before opening it again (line %s):\n' "$PROG" "$close_at" "$open_at"; grep -F -- "$PIPE" "$T/trace" | cut -c 1-160 | head -n 30)"
}
