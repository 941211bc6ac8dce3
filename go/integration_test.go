package main

// End-to-end tests against real FIFOs. The publisher under test is this
// test binary itself, re-run with runMainEnv set (see TestMain), so they
// need nothing built beforehand.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

const runMainEnv = "GO_PUBLISHER_TEST_RUN_MAIN"

// proc is a publisher running as a child process.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser // nil when stdin was given
	stdout bytes.Buffer
	lines  chan string // stderr, line by line; closed at end of file
	stderr []string
}

// startPublisher runs the publisher with args; stdin nil means a pipe the
// test writes into. Every child is killed after 10 seconds at most.
func startPublisher(t *testing.T, stdin io.Reader, env []string, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	p := &proc{t: t, cmd: exec.CommandContext(ctx, os.Args[0], args...), lines: make(chan string, 100)}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PIPE_PATH=") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Env = append(append(p.cmd.Env, runMainEnv+"=1"), env...)
	p.cmd.Stdout = &p.stdout
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
		p.stderr = append(p.stderr, got)
	case <-time.After(5 * time.Second):
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

// waitReadable waits until the FIFO behind f has data. A FIFO reader
// that no writer has opened yet reads end of file at once, while select
// waits for the first bytes.
func waitReadable(t *testing.T, f *os.File) {
	t.Helper()
	fd := int(f.Fd())
	var set syscall.FdSet
	set.Bits[fd/64] |= 1 << (uint(fd) % 64)
	tv := syscall.Timeval{Sec: 5}
	n, err := syscall.Select(fd+1, &set, nil, nil, &tv)
	if err != nil || n != 1 {
		t.Fatalf("nothing to read after 5s (%v)", err)
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

func TestRefusesWhatIsNotAFIFO(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("keep me\n"), 0640); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	mkfifo(t, fifo)
	linkToFIFO := filepath.Join(dir, "link")
	if err := os.Symlink(fifo, linkToFIFO); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "target"), dangling); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	tests := []struct{ path, want string }{
		{file, "exists and is not a named pipe"},
		{dir, "exists and is not a named pipe"},
		{sock, "exists and is not a named pipe"},
		{"/dev/null", "exists and is not a named pipe"},
		{linkToFIFO, "is a symbolic link, not a named pipe"},
		{dangling, "is a symbolic link, not a named pipe"},
		{filepath.Join(dir, "none", "p"), "No such file or directory"},
		{filepath.Join(file, "p"), "Not a directory"},
	}
	for _, tt := range tests {
		p := startPublisher(t, strings.NewReader("a\n"), nil, "-p", tt.path)
		status, stderr := p.wait()
		want := []string{fmt.Sprintf("go-publisher: %s: %s", tt.path, tt.want)}
		if status != 1 || !equal(stderr, want) || p.stdout.Len() != 0 {
			t.Errorf("%s: status %d, stderr %q, stdout %q; want 1, %q", tt.path, status, stderr, p.stdout.String(), want)
		}
	}

	if b, _ := os.ReadFile(file); string(b) != "keep me\n" {
		t.Errorf("the regular file was changed: %q", b)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0640 {
		t.Errorf("the regular file's mode changed to %v", st.Mode())
	}
	if _, err := os.Lstat(filepath.Join(dir, "target")); !os.IsNotExist(err) {
		t.Errorf("the dangling symbolic link was followed: %v", err)
	}
}

func equal(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n") && len(a) == len(b)
}

// A missing FIFO is created with mode 0600, the wait for a subscriber is
// announced once, and the messages arrive framed.
func TestCreatesFIFOAndWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	p := startPublisher(t, strings.NewReader("hello\nexit\nnever\n"), nil, "--pipe="+path)
	p.expect("go-publisher: " + path + ": waiting for a subscriber")

	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFIFO || st.Mode&0777 != 0600 {
		t.Errorf("created mode %o, want a FIFO with 0600", st.Mode)
	}
	r := openReader(t, path)
	defer r.Close()
	if got := readAll(t, r); string(got) != "hello\nexit\n" {
		t.Errorf("subscriber read %q, want %q", got, "hello\nexit\n")
	}
	if status, rest := p.wait(); status != 0 || len(rest) != 0 || p.stdout.Len() != 0 {
		t.Errorf("status %d, stderr %q, stdout %q; want 0 and nothing", status, rest, p.stdout.String())
	}
}

// With a subscriber already there: no notice, the golden bytes, no prompt.
func TestPublishesVectorIntoFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	r := openReader(t, path)
	defer r.Close()
	in := mustRead(t, "../shared/vectors/many_messages.in")
	p := startPublisher(t, bytes.NewReader(in), []string{"PIPE_PATH=" + path})
	if got := readAll(t, r); !bytes.Equal(got, mustRead(t, "../shared/vectors/many_messages.pipe")) {
		t.Errorf("pipe bytes differ from many_messages.pipe (%d bytes)", len(got))
	}
	if status, rest := p.wait(); status != 0 || len(rest) != 0 || p.stdout.Len() != 0 {
		t.Errorf("status %d, stderr %q, stdout %q; want 0 and nothing", status, rest, p.stdout.String())
	}
}

// The subscriber goes away: the publisher survives SIGPIPE, waits for the
// next one, and resends. A frame the first subscriber left unread in the
// pipe reaches the second, because the publisher kept the pipe open.
func TestSubscriberGoesAway(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	r1 := openReader(t, path)
	p := startPublisher(t, nil, nil, "-p", path)

	p.send("one\n")
	if got := readN(t, r1, 4); got != "one\n" {
		t.Fatalf("first subscriber read %q", got)
	}
	p.send("left\n")
	waitUnread(t, r1, 5)
	r1.Close()

	p.send("two\n") // this write meets EPIPE
	p.expect("go-publisher: " + path + ": subscriber went away (broken pipe)")
	p.expect("go-publisher: " + path + ": waiting for a subscriber")
	r2 := openReader(t, path)
	defer r2.Close()
	p.send("exit\n")
	if got, want := readAll(t, r2), "left\ntwo\nexit\n"; string(got) != want {
		t.Errorf("second subscriber read %q, want %q", got, want)
	}
	if status, rest := p.wait(); status != 0 || len(rest) != 0 {
		t.Errorf("status %d, stderr %q; want 0 and nothing more", status, rest)
	}
}

// waitUnread waits until n bytes are waiting in the pipe behind f.
func waitUnread(t *testing.T, f *os.File, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
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

func TestSignalsWhileWaiting(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143} {
		path := filepath.Join(t.TempDir(), "p")
		p := startPublisher(t, nil, nil, "-p", path)
		p.expect("go-publisher: " + path + ": waiting for a subscriber")
		if err := p.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if status, rest := p.wait(); status != want || len(rest) != 0 {
			t.Errorf("%v: status %d, stderr %q; want %d and nothing", sig, status, rest, want)
		}
	}
}

func TestCommandLineExits(t *testing.T) {
	tests := []struct {
		args   []string
		status int
		stdout string
		stderr []string
	}{
		{[]string{"--help"}, 0, usage(), nil},
		{[]string{"-h", "--bogus"}, 0, usage(), nil},
		{[]string{"--version"}, 0, "go-publisher 1.0.0\n", nil},
		{[]string{"--bogus"}, 2, "", []string{"go-publisher: unknown option '--bogus' (try --help)"}},
		{[]string{"-p"}, 2, "", []string{"go-publisher: option '--pipe' needs a path (try --help)"}},
		{[]string{"x"}, 2, "", []string{"go-publisher: unexpected argument 'x' (try --help)"}},
	}
	for _, tt := range tests {
		p := startPublisher(t, strings.NewReader(""), nil, tt.args...)
		status, stderr := p.wait()
		if status != tt.status || p.stdout.String() != tt.stdout || !equal(stderr, tt.stderr) {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want %d, %q, %q",
				tt.args, status, p.stdout.String(), stderr, tt.status, tt.stdout, tt.stderr)
		}
	}

	// PIPE_PATH is used when there is no --pipe.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0600); err != nil {
		t.Fatal(err)
	}
	p := startPublisher(t, strings.NewReader(""), []string{"PIPE_PATH=" + file})
	if status, stderr := p.wait(); status != 1 || !equal(stderr, []string{"go-publisher: " + file + ": exists and is not a named pipe"}) {
		t.Errorf("PIPE_PATH: status %d, stderr %q", status, stderr)
	}
}

// At a terminal the publisher prompts before each line, on stdout.
func TestPromptAtTerminal(t *testing.T) {
	master, slave, err := openPty()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	go io.Copy(io.Discard, master) // the terminal's echo

	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	r := openReader(t, path)
	defer r.Close()
	p := startPublisher(t, slave, nil, "-p", path)

	if _, err := io.WriteString(master, "hi\n"); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, r, 3); got != "hi\n" {
		t.Fatalf("read %q", got)
	}
	if _, err := io.WriteString(master, "exit\n"); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, r, 5); got != "exit\n" {
		t.Fatalf("read %q", got)
	}
	status, rest := p.wait()
	if want := prompt + prompt; status != 0 || p.stdout.String() != want || len(rest) != 0 {
		t.Errorf("status %d, stdout %q, stderr %q; want 0, %q", status, p.stdout.String(), rest, want)
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
