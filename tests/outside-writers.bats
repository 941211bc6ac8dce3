#!/usr/bin/env bats
# outside-writers.bats: real programs that no one here wrote, from Debian,
# write into the FIFO; one subscriber of ours, PROG, reads it (PROTOCOL.md
# section 2: any program that writes lines is a publisher).
#
# Each writer sends the same lines, one, two, three and exit, each in its own
# way on the wire (said before each test). One writer at a time, so how it
# cuts its bytes into write()s does not matter: the subscriber cuts the
# stream into frames at each newline, and it opens the FIFO again when a
# writer that opens per line closes it. The subscriber must print every line
# once, in order, then Exiting..., and exit 0.
#
# tests/run runs this file once per subscriber in bin/; by hand:
#   PROG=go-subscriber bats tests/outside-writers.bats

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"

setup() {
  common_setup
  printf_lines "$T/in" one two three exit
}

# through WRITER CMD...: start PROG, then run CMD (which reads $T/in and
# writes into $PIPE) as the writer; check what PROG printed.
through() {
  local name=$1
  shift
  spawn sub - "$BIN_DIR/$PROG" --pipe "$PIPE"
  wait_sub_ready sub
  run_fg "$name" "$T/in" "$@"
  expect_status "$name" 0
  finish sub
  expect_status sub 0
  assert_out_lines sub "Received: one" "Received: two" "Received: three" "Exiting..."
  assert_err_lines sub
}

# socat copies its input in blocks of up to 8 KiB: here all four frames in
# one write().
@test "socat -u - PIPE:fifo (the input in one write)" {
  through socat socat -u - "PIPE:$PIPE"
}

# tee copies its input in blocks too, to the FIFO as to any file.
@test "tee fifo (the input in one write)" {
  # shellcheck disable=SC2016 # the inner bash's
  through tee bash -c 'tee "$1" >/dev/null' bash "$PIPE"
}

# awk's print is buffered; fflush() after each line makes one write() a frame.
@test "awk, print > fifo with fflush (one write per frame)" {
  # shellcheck disable=SC2016 # awk's own $0
  through awk awk -v p="$PIPE" '{ print > p; fflush(p) }'
}

# perl with autoflush: one write() per print, a frame each.
@test "perl with autoflush (one write per frame)" {
  # shellcheck disable=SC2016 # perl's own variables
  through perl perl -e 'open(my $f, ">", $ARGV[0]) or die "$ARGV[0]: $!\n";
    $f->autoflush(1); while (<STDIN>) { print $f $_ }' "$PIPE"
}

# bash opens the FIFO once (exec 3>) and printf writes each line whole.
@test "bash, exec 3>fifo and printf per line (one write per frame)" {
  # shellcheck disable=SC2016 # the inner bash's
  through bash bash -c 'exec 3>"$1"; while IFS= read -r l; do printf "%s\n" "$l" >&3; done' bash "$PIPE"
}

# bash opens, writes and closes the FIFO for every line, as the tutorial's
# publisher did: the subscriber meets end of file after each and opens again.
@test "bash, echo > fifo per line (open, write, close per frame)" {
  # shellcheck disable=SC2016 # the inner bash's
  through bash bash -c 'while IFS= read -r l; do echo "$l" >"$1"; done' bash "$PIPE"
}

# Python's print with flush=True: one write() per line.
@test "python3, print(..., flush=True) (one write per frame)" {
  through python python3 -c '
import sys
with open(sys.argv[1], "w") as pipe:
    for line in sys.stdin:
        print(line.rstrip("\n"), file=pipe, flush=True)' "$PIPE"
}

# Python's logging: a FileHandler opens the FIFO (append mode) and flushes
# every record, "%(message)s" and a newline: one write() per record.
@test "python3, logging to the FIFO (one write per record)" {
  through python python3 -c '
import logging, sys
logging.basicConfig(filename=sys.argv[1], format="%(message)s", level=logging.INFO)
for line in sys.stdin:
    logging.info(line.rstrip("\n"))' "$PIPE"
}

# Node's stream: writes are queued and may be joined or cut anywhere.
@test "node, fs.createWriteStream (writes joined or cut anywhere)" {
  command -v node >/dev/null || skip "node is not installed (make deps installs nodejs)"
  through node node -e '
const fs = require("fs");
const out = fs.createWriteStream(process.argv[1]);
for (const line of fs.readFileSync(0, "utf8").split("\n").filter(Boolean)) out.write(line + "\n");
out.end();' "$PIPE"
}
