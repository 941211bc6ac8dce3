#!/usr/bin/env bats
# outside-readers.bats: one publisher of ours, PROG, writes into the FIFO;
# real programs that no one here wrote, from Debian, read it (PROTOCOL.md
# section 2: any program that reads lines is a subscriber).
#
# The reader opens the FIFO first and waits for a writer; the publisher
# sends one, two and three, whole frames in one write(), then meets the end
# of its input. Each reader prints "got LINE" per line (socat
# copies the bytes as they are). The publisher must exit 0 and the reader
# must have printed every line once, in order. The reader that opens the FIFO
# again for every line (bash's `read < fifo`) gets all three only because the
# publisher waits until the pipe is empty before it closes it (3.7): its
# frames stay in the kernel's buffer while the FIFO has no reader for a
# moment between two reads.
#
# tests/run runs this file once per publisher in bin/; by hand:
#   PROG=go-publisher bats tests/outside-readers.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

setup() {
  common_setup
  printf_lines "$T/in" one two three
}

# from READER WANT_PREFIX CMD...: make the FIFO, start CMD reading it (it
# waits in open() for a writer), then PROG; check both.
from() {
  local name=$1 prefix=$2
  shift 2
  ensure_fifo
  spawn "$name" - "$@"
  wait_sub_ready "$name"
  spawn pub "$T/in" "$BIN_DIR/$PROG" --pipe "$PIPE"
  finish pub
  finish "$name"
  # shellcheck disable=SC2153 # STATUS is finish's (lib/common.bash)
  [[ ${STATUS[pub]} == 0 && ${STATUS[$name]} == 0 ]] ||
    fail "$(printf 'expected both to exit 0\n'; describe pub; describe "$name")"
  assert_out_lines "$name" "${prefix}one" "${prefix}two" "${prefix}three"
}

@test "socat -u PIPE:fifo - (copies the bytes)" {
  from socat '' socat -u "PIPE:$PIPE" -
}

@test "awk, print with fflush per line" {
  # shellcheck disable=SC2016 # awk's own $0
  from awk 'got ' awk '{ print "got " $0; fflush() }' "$PIPE"
}

@test "perl -ne, line by line" {
  # shellcheck disable=SC2016 # perl's own $_
  from perl 'got ' perl -ne 'print "got $_"' "$PIPE"
}

@test "bash, while IFS= read -r line < fifo" {
  # shellcheck disable=SC2016 # the inner bash's
  from bash 'got ' bash -c 'while IFS= read -r l; do printf "got %s\n" "$l"; done <"$1"' bash "$PIPE"
}

@test "bash, read < fifo once per line (the FIFO closed between lines)" {
  # shellcheck disable=SC2016 # the inner bash's
  from bash 'got ' bash -c 'for i in 1 2 3; do IFS= read -r l <"$1"; printf "got %s\n" "$l"; done' bash "$PIPE"
}

@test "python3, for line in open(fifo)" {
  from python 'got ' python3 -c '
import sys
for line in open(sys.argv[1], "rb"):
    sys.stdout.buffer.write(b"got " + line)
    sys.stdout.flush()' "$PIPE"
}

@test "node, readline over fs.createReadStream" {
  command -v node >/dev/null || skip "node is not installed (make deps installs nodejs)"
  from node 'got ' node -e '
const fs = require("fs"), readline = require("readline");
readline.createInterface({ input: fs.createReadStream(process.argv[1]) })
  .on("line", (line) => console.log("got " + line));' "$PIPE"
}
