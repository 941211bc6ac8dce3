# tests/lib/behaviour-pipes.bash: helpers for the tests of how one program
# treats its FIFO and its own standard streams (files.bats, streams.bats,
# signals.bats): what a pipe holds, programs started with descriptors closed,
# and a writer and a reader that the test controls byte for byte.
#
# Load it after lib/common.bash, whose spawn, feeds and held FIFO it uses.
# The small loops are perl (always on Debian: perl-base is essential), so that
# each read and write is one system call the test decides.

# need_perl: skip, saying why, where perl is missing.
need_perl() {
  command -v perl >/dev/null || skip "perl is needed to read and write the pipe one system call at a time"
}

# fifo_unread PATH: how many bytes wait unread in the FIFO PATH (FIONREAD),
# asked through a non-blocking read-only descriptor that reads nothing.
fifo_unread() {
  perl -MFcntl -e 'sysopen(my $f, $ARGV[0], O_RDONLY | O_NONBLOCK) or die "$ARGV[0]: $!\n";
    my $n = pack("i", 0); ioctl($f, 0x541B, $n) or die "FIONREAD: $!\n"; print unpack("i", $n), "\n"' "$1"
}

# fifo_full PATH: is the pipe of the FIFO PATH full, so that a writer has to
# wait? Asked as the kernel answers poll() for a writer (no room: no
# POLLOUT), through a non-blocking write-only descriptor that writes nothing.
# Only for a FIFO that has a reader.
fifo_full() {
  perl -MFcntl -e 'sysopen(my $f, $ARGV[0], O_WRONLY | O_NONBLOCK) or die "$ARGV[0]: $!\n";
    my $w = ""; vec($w, fileno($f), 1) = 1;
    my $n = select(undef, $w, undef, 0); defined $n && $n >= 0 or die "select: $!\n";
    exit($n == 0 ? 0 : 1)' "$1"
}

# wait_until_pipe_holds N: wait until $PIPE holds N bytes or more.
wait_until_pipe_holds() {
  local end=$((SECONDS + HANG)) n=0
  while ((SECONDS < end)); do
    n=$(fifo_unread "$PIPE")
    ((n >= $1)) && return 0
    sleep 0.02
  done
  fail "waited ${HANG}s for $1 bytes in $PIPE; it holds $n"
}

# take_pipe_while CHECK...: while CHECK succeeds (at most 2 x $HANG
# seconds), take what is waiting in the held FIFO (hold_pipe) and add it to
# $T/left, as a subscriber would: a publisher waits until the pipe is empty
# before it exits (PROTOCOL.md section 3, step 7).
take_pipe_while() {
  local end=$((SECONDS + 2 * HANG))
  while "$@" && ((SECONDS < end)); do
    pipe_drain "$T/left.part"
    cat "$T/left.part" >>"$T/left"
    sleep 0.02
  done
}

# pipe_drain FILE: take every byte waiting in $PIPE, without blocking, into
# FILE. Meant for a FIFO the test shell holds open (hold_pipe): the read then
# ends with EAGAIN when the pipe is empty, not with a wait.
pipe_drain() {
  perl -MFcntl -e '
    sysopen(my $f, $ARGV[0], O_RDONLY | O_NONBLOCK) or die "$ARGV[0]: $!\n";
    binmode STDOUT;
    while (1) {
      my $n = sysread($f, my $buf, 65536);
      if (!defined $n) { last if $!{EAGAIN}; die "$ARGV[0]: $!\n" }
      last if $n == 0;
      print $buf;
    }' "$PIPE" >"$1"
}

# CLOSING: the command (for spawn) that runs a program with descriptors
# closed: CLOSING "1 2" CMD... starts CMD as `CMD >&- 2>&-` would. bash execs
# CMD, so it keeps the process id spawn recorded, and signals reach the
# program itself.
# shellcheck disable=SC2016,SC2034 # expanded by the inner bash; used by the test files
CLOSING=(bash -c 'for fd in $1; do exec {fd}>&-; done; shift; exec "$@"' closing)

# numbered_messages FILE COUNT: COUNT lines of 100 bytes each (LF included),
# numbered from 1 so that a loss or a duplicate shows which message it was.
numbered_messages() {
  awk -v n="$2" 'BEGIN {
    pad = sprintf("%86s", ""); gsub(/ /, "x", pad)
    for (i = 1; i <= n; i++) printf "message %05d %s\n", i, pad
  }' >"$1"
}

# FRAME_WRITER: the command (for spawn) that writes a file's lines into a
# FIFO the way a publisher does: FRAME_WRITER FIFO FILE sends whole frames,
# several to one write() of at most 4096 bytes, each write atomic. A
# subscriber's read then always ends at a frame's end, so what it has taken
# from the pipe is whole messages.
# shellcheck disable=SC2016,SC2034 # perl's own variables; used by the test files
FRAME_WRITER=(perl -MFcntl -e '
    open(my $in, "<", $ARGV[1]) or die "$ARGV[1]: $!\n";
    sysopen(my $out, $ARGV[0], O_WRONLY) or die "$ARGV[0]: $!\n";
    my $batch = "";
    sub send_batch {
      my $n = syswrite($out, $batch);
      defined $n && $n == length $batch or die "$ARGV[0]: short write: $!\n";
      $batch = "";
    }
    while (my $line = <$in>) {
      send_batch() if length($batch) + length($line) > 4096;
      $batch .= $line;
    }
    send_batch() if length $batch;')

# SLOW_READER: the command (for spawn) of a slow standard output's reader:
# it takes 4096 bytes every 4 ms from its stdin and copies them to stdout.
# shellcheck disable=SC2016,SC2034 # perl's own variables; used by the test files
SLOW_READER=(perl -e '
  while (1) {
    my $n = sysread(STDIN, my $buf, 4096);
    defined $n or die "slow reader: $!\n";
    last if $n == 0;
    syswrite(STDOUT, $buf) == $n or die "slow reader: $!\n";
    select(undef, undef, undef, 0.004);
  }')

# SIGNAL_AFTER: the command (for spawn) that starts a program and sends it
# SIGINT after DELAY seconds: SIGNAL_AFTER DELAY CMD... exits with the
# program's status, 128 + the signal's number if a signal ended it. The
# program is perl's own child, so SIGINT keeps its default action until the
# program changes it (a background job of a shell script would ignore it).
# shellcheck disable=SC2016,SC2034 # perl's own variables; used by the test files
SIGNAL_AFTER=(perl -e 'my $delay = shift; defined(my $pid = fork) or die "fork: $!\n"; if ($pid == 0) { exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!\n" } select(undef, undef, undef, $delay); kill "INT", $pid; waitpid($pid, 0) == $pid or die "waitpid: $!\n"; exit($? & 127 ? 128 + ($? & 127) : $? >> 8)')
