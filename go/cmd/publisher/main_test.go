package main

// End-to-end tests: the publisher, built from this directory, against
// real FIFOs. Every process is killed after 10 seconds at most, so that a
// blocked open() fails the test instead of hanging it.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"fifo-pubsub/go/internal/testbin"
)

// binary is the publisher built by TestMain.
var binary string

func TestMain(m *testing.M) { testbin.Main(m, "go-publisher", &binary) }

// proc is the publisher running as a child process.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser // nil when stdin was given
	stdout bytes.Buffer
	lines  chan string // stderr, line by line; closed at end of file
}

// start runs the publisher with args; stdin nil means a pipe the test
// writes into. env is added to the environment, from which PIPE_PATH is
// removed.
func start(t *testing.T, stdin io.Reader, env []string, args ...string) *proc {
	t.Helper()
	return startWithOutput(t, stdin, nil, env, args...)
}

// startWithOutput is start with standard output going to stdout (nil: to
// the proc's buffer).
func startWithOutput(t *testing.T, stdin io.Reader, stdout io.Writer, env []string, args ...string) *proc {
	t.Helper()
	return startProgram(t, binary, stdin, stdout, env, args...)
}

// startProgram is startWithOutput for the program at path prog.
func startProgram(t *testing.T, prog string, stdin io.Reader, stdout io.Writer, env []string, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	p := &proc{t: t, cmd: exec.CommandContext(ctx, prog, args...), lines: make(chan string, 100)}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PIPE_PATH=") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout = stdout
	if stdout == nil {
		p.cmd.Stdout = &p.stdout
	}
	if stdin != nil {
		p.cmd.Stdin = stdin
	} else {
		w, err := p.cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		p.stdin = w
	}
	errPipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s := bufio.NewScanner(errPipe)
		for s.Scan() {
			p.lines <- s.Text()
		}
		close(p.lines)
	}()
	return p
}

// expect waits for the next stderr line and checks it.
func (p *proc) expect(want string) {
	p.t.Helper()
	select {
	case got, ok := <-p.lines:
		if !ok || got != want {
			p.t.Fatalf("stderr line %q (open %v), want %q", got, ok, want)
		}
	case <-time.After(10 * time.Second):
		p.t.Fatalf("timed out waiting for stderr line %q", want)
	}
}

// wait waits for the exit and returns the status and the rest of stderr.
func (p *proc) wait() (int, []string) {
	p.t.Helper()
	var rest []string
	for l := range p.lines {
		rest = append(rest, l)
	}
	err := p.cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		p.t.Fatal(err)
	}
	return p.cmd.ProcessState.ExitCode(), rest
}

func (p *proc) send(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, s); err != nil {
		p.t.Fatal(err)
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0600); err != nil {
		t.Fatal(err)
	}
}

// openReader opens a FIFO for reading without waiting for a writer (so a
// test cannot hang here), then makes reads block as a subscriber's do.
func openReader(t *testing.T, path string) *os.File {
	t.Helper()
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		t.Fatal(err)
	}
	return os.NewFile(uintptr(fd), path)
}

// waitReadable waits until the FIFO behind f has data: a FIFO no writer
// has opened yet reads end of file at once, while select waits. select is
// never restarted after a signal (the runtime's own, or SIGCHLD): EINTR
// means try again, with the time left, which Linux writes back into tv.
func waitReadable(t *testing.T, f *os.File) {
	t.Helper()
	fd := int(f.Fd())
	tv := syscall.Timeval{Sec: 10}
	for {
		var set syscall.FdSet
		set.Bits[fd/64] |= 1 << (uint(fd) % 64)
		n, err := syscall.Select(fd+1, &set, nil, nil, &tv)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n != 1 {
			t.Fatalf("nothing to read after 10s (%v)", err)
		}
		return
	}
}

func readAll(t *testing.T, f *os.File) []byte {
	t.Helper()
	waitReadable(t, f)
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readN(t *testing.T, f *os.File, n int) string {
	t.Helper()
	waitReadable(t, f)
	buf := make([]byte, n)
	if _, err := io.ReadFull(f, buf); err != nil {
		t.Fatal(err)
	}
	return string(buf)
}

func equal(a, b []string) bool {
	return len(a) == len(b) && strings.Join(a, "\n") == strings.Join(b, "\n")
}

// waitUnread waits until n bytes are waiting in the pipe behind f.
func waitUnread(t *testing.T, f *os.File, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ready int32
		_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&ready)))
		if errno != 0 {
			t.Fatal(errno)
		}
		if int(ready) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d bytes arrived, want %d", ready, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func openPty() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	var unlock int32
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		master.Close()
		return nil, nil, errno
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		master.Close()
		return nil, nil, errno
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}
