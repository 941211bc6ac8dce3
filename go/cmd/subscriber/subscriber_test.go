package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"fifo-pubsub/go/internal/testbin"
)

// Every golden vector, with --once and with --once --raw: exactly the
// .out (.out-raw) bytes on stdout, the .err lines of a raw case on stderr,
// status 0.
func TestVectors(t *testing.T) {
	ins, _ := filepath.Glob(filepath.Join(vectorDir(), "*.in"))
	if len(ins) == 0 {
		t.Fatal("no golden vectors")
	}
	for _, in := range ins {
		base := strings.TrimSuffix(in, ".in")
		data, err := os.ReadFile(base + ".pipe")
		raw := err != nil // a raw case: .in goes straight into the pipe
		if raw {
			data, _ = os.ReadFile(in)
		}
		for _, mode := range []string{"", "--raw"} {
			t.Run(filepath.Base(base)+mode, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "p")
				args := []string{"--once", "-p", path}
				want, _ := os.ReadFile(base + ".out")
				if mode != "" {
					args = append(args, mode)
					want, _ = os.ReadFile(base + ".out-raw")
				}
				wantErr := ""
				if b, err := os.ReadFile(base + ".err"); err == nil && raw {
					wantErr = fill(string(b), path)
				}
				p := start(t, nil, args...)
				publish(t, path, data)
				if status := p.wait(); status != 0 || p.stdout.String() != string(want) || p.stderr.String() != wantErr {
					t.Errorf("status %d, stderr %q (want %q), stdout %d bytes (want %d): ...%q",
						status, p.stderr.String(), wantErr, p.stdout.Len(), len(want), tail(p.stdout.Bytes()))
				}
			})
		}
	}
}

func tail(b []byte) []byte {
	if len(b) > 40 {
		return b[len(b)-40:]
	}
	return b
}

// Without --once, publishers come and go: the subscriber opens the pipe
// again at each end of file, and delivers an unterminated fragment there.
func TestPublishersComeAndGo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	stdout := outputPipe(t)
	p := start(t, stdout.w, "--pipe", path)
	stdout.w.Close()
	// Each publisher waits for the last one's messages to be printed:
	// else two publishers' bytes may reach one read, and a fragment with
	// the next one's frame makes one message, as with any FIFO reader.
	publish(t, path, []byte("one\ntwo"))
	stdout.expect(t, "Received: one\nReceived: two\n")
	publish(t, path, []byte("three\r\n"))
	stdout.expect(t, "Received: three\n")
	publish(t, path, []byte("exit\nnever\n"))
	stdout.expect(t, "Exiting...\n")
	if status := p.wait(); status != 0 || p.stderr.Len() != 0 {
		t.Errorf("status %d, stderr %q; want 0 and nothing", status, p.stderr.String())
	}
}

type pipeEnds struct{ r, w *os.File }

func outputPipe(t *testing.T) pipeEnds {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return pipeEnds{r, w}
}

// expect reads exactly want from the pipe, within 10 seconds.
func (p pipeEnds) expect(t *testing.T, want string) {
	t.Helper()
	if err := p.r.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(want))
	if n, err := io.ReadFull(p.r, buf); err != nil || string(buf) != want {
		t.Fatalf("stdout %q (%v), want %q", buf[:n], err, want)
	}
}

// While waiting for a publisher, SIGINT and SIGTERM end it at once.
func TestSignalsWhileWaiting(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143} {
		path := filepath.Join(t.TempDir(), "p")
		p := start(t, nil, "-p", path)
		w := openWriter(t, path) // it holds the pipe open: it is waiting
		if err := p.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if status := p.wait(); status != want || p.stdout.Len() != 0 || p.stderr.Len() != 0 {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want %d and nothing", sig, status, p.stdout.String(), p.stderr.String(), want)
		}
		w.Close()
	}
}

// A message printed is flushed while the pipe is idle: it appears on
// stdout while the publisher still has the pipe open.
func TestFlushWhenIdle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	stdout := outputPipe(t)
	p := start(t, stdout.w, "--once", "-p", path)
	stdout.w.Close()
	pub := openWriter(t, path)
	if _, err := pub.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	stdout.expect(t, "Received: hello\n") // the publisher is still there
	pub.Close()
	if status := p.wait(); status != 0 {
		t.Errorf("status %d", status)
	}
}

// A closed standard output is one error line and status 1.
func TestStdoutReaderGone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	p := start(t, w, "--once", "-p", path)
	w.Close()
	publish(t, path, []byte("hello\n"))
	want := "go-subscriber: standard output: Broken pipe\n"
	if status := p.wait(); status != 1 || p.stderr.String() != want {
		t.Errorf("status %d, stderr %q; want 1, %q", status, p.stderr.String(), want)
	}
}

// With standard output and error closed, the subscriber still works, and
// the FIFO does not take their places (it would get descriptor 1 or 2).
func TestStdStreamsClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", `exec "$0" --once -p "$1" >&- 2>&-`, binary, path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	publish(t, path, []byte("a\n"+strings.Repeat("x", 5000)+"\nexit\n"))
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v, want status 0", err)
	}
}

// After a stop signal the subscriber prints every message it took from
// the pipe, even to a slow standard output, and leaves the rest in the
// pipe: what it printed and what is left are all the messages, in order,
// none lost, none twice.
func TestSignalWritesOutWhatWasRead(t *testing.T) {
	// 15,000 frames of 64 bytes: whole frames in every 64 KiB read.
	path, p, r, all := stoppedWithBacklog(t, 15000, 54)
	// Read standard output slowly: 16 KiB at a time, pausing in between.
	var printed []byte
	buf := make([]byte, 16*1024)
	for {
		time.Sleep(100 * time.Millisecond)
		n, err := r.Read(buf)
		printed = append(printed, buf[:n]...)
		if err != nil {
			break
		}
	}
	left := stoppedAndLeft(t, p, path)
	if got := append(printed, left...); !bytes.Equal(got, all) {
		t.Errorf("printed %d bytes and left %d in the pipe; together they differ from the %d sent",
			len(printed), len(left), len(all))
	}
	if len(printed) == 0 || len(left) == 0 {
		t.Errorf("printed %d bytes, left %d: the signal came too early or too late to test anything", len(printed), len(left))
	}
}

// A read of the pipe may end in the middle of a frame: 64 KiB reads of
// 100-byte frames always do here. After a stop signal the subscriber reads
// the rest of that frame, and nothing more, so it prints whole frames only,
// the last one completed, and leaves whole frames in the pipe.
func TestSignalCompletesAFrameBegun(t *testing.T) {
	path, p, r, all := stoppedWithBacklog(t, 5000, 90)
	printed, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	left := stoppedAndLeft(t, p, path)
	// Whole frames on both sides. How many are left depends on how soon the
	// signal is seen: on a loaded machine the subscriber may have read the
	// rest first, and then it prints it all, which loses nothing either.
	if len(printed)%100 != 0 || len(printed) == 0 || len(left)%100 != 0 {
		t.Errorf("printed %d bytes, left %d: want whole 100-byte frames in both", len(printed), len(left))
	}
	if got := append(printed, left...); !bytes.Equal(got, all) {
		t.Errorf("printed %d bytes and left %d in the pipe; together they differ from the %d sent",
			len(printed), len(left), len(all))
	}
}

// stoppedWithBacklog starts a subscriber --raw whose standard output is a
// small pipe, writes n numbered frames (the number, a space and pad bytes
// of "m") into its FIFO at once, waits until standard output is full (the
// subscriber then holds what it read) and sends SIGINT. It returns the
// FIFO's path, the subscriber, the read end of its standard output and
// every byte sent.
func stoppedWithBacklog(t *testing.T, n, pad int) (string, *proc, *os.File, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	setPipeSize(t, w, 4096) // standard output fills fast
	p := start(t, w, "--raw", "-p", path)
	w.Close()

	var all bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&all, "%08d %s\n", i, strings.Repeat("m", pad))
	}
	pub := openWriter(t, path)
	t.Cleanup(func() { pub.Close() }) // the pipe keeps what is left
	setPipeSize(t, pub, all.Len()+4096)
	if _, err := pub.Write(all.Bytes()); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return unread(t, r) >= 4096 })
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	return path, p, r, all.Bytes()
}

// stoppedAndLeft waits for the subscriber to exit with 130 and nothing on
// standard error, and returns what it left in the FIFO.
func stoppedAndLeft(t *testing.T, p *proc, path string) []byte {
	t.Helper()
	if status := p.wait(); status != 130 || p.stderr.Len() != 0 {
		t.Fatalf("status %d, stderr %q; want 130 and nothing", status, p.stderr.String())
	}
	return readLeft(t, path)
}

// readLeft reads what a subscriber left in the FIFO (its writer still
// has it open, so the kernel kept the bytes).
func readLeft(t *testing.T, path string) []byte {
	t.Helper()
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	var left []byte
	buf := make([]byte, 65536)
	for {
		n, err := syscall.Read(fd, buf)
		if n <= 0 || err != nil {
			return left
		}
		left = append(left, buf[:n]...)
	}
}

func setPipeSize(t *testing.T, f *os.File, size int) {
	t.Helper()
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_SETPIPE_SZ, uintptr(size)); errno != 0 {
		t.Fatalf("F_SETPIPE_SZ %d: %v", size, errno)
	}
}

func unread(t *testing.T, f *os.File) int {
	var n int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Fatal(errno)
	}
	return int(n)
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met after 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		args   []string
		status int
		stdout string
		stderr string
	}{
		{[]string{"--version"}, 0, "go-subscriber 1.0.0\n", ""},
		{[]string{"--bogus"}, 2, "", "go-subscriber: flag provided but not defined: -bogus\n"},
		{[]string{"--pipe="}, 2, "", "go-subscriber: invalid value \"\" for flag -pipe: the path is empty\n"},
		{[]string{"--raw=maybe"}, 2, "", "go-subscriber: invalid boolean value \"maybe\" for -raw: parse error\n"},
		{[]string{"--once", "x"}, 2, "", "go-subscriber: unexpected argument 'x'\n"},
		{[]string{"-p", "/dev/null"}, 1, "", "go-subscriber: /dev/null: exists and is not a named pipe\n"},
	}
	for _, tt := range tests {
		p := start(t, nil, tt.args...)
		if status := p.wait(); status != tt.status || p.stdout.String() != tt.stdout || p.stderr.String() != tt.stderr {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want %d, %q, %q",
				tt.args, status, p.stdout.String(), p.stderr.String(), tt.status, tt.stdout, tt.stderr)
		}
	}
	p := start(t, nil, "--help")
	if status := p.wait(); status != 0 || !strings.HasPrefix(p.stdout.String(), "Usage: go-subscriber [-p PATH | --pipe PATH] [--once] [--raw]") {
		t.Errorf("--help: status %d, stdout %q", status, p.stdout.String())
	}
}

// While it waits for a publisher, the subscriber follows its path: when
// the FIFO is removed (and perhaps made again, as `rm -f P; mkfifo P`
// does), it moves to the FIFO at the path within about a second, so that
// the next publisher reaches it; a file put there ends it with status 1.
func TestFollowsThePathWhileWaiting(t *testing.T) {
	for _, tt := range testbin.Replacements {
		for _, between := range []bool{false, true} {
			name := tt.Name + "/before the first publisher"
			if between {
				name = tt.Name + "/between publishers"
			}
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "p")
				stdout := outputPipe(t)
				p := start(t, stdout.w, "--raw", "-p", path)
				stdout.w.Close()
				if between {
					publish(t, path, []byte("first\n"))
					stdout.expect(t, "first\n")
				} else {
					waitUntil(t, func() bool { _, err := os.Lstat(path); return err == nil })
				}
				time.Sleep(100 * time.Millisecond) // it holds the FIFO open and waits
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
				if err := tt.Replace(path); err != nil {
					t.Fatal(err)
				}
				if tt.Err != "" {
					want := "go-subscriber: " + path + ": " + tt.Err + "\n"
					if status := p.wait(); status != 1 || p.stderr.String() != want {
						t.Errorf("status %d, stderr %q; want 1, %q", status, p.stderr.String(), want)
					}
					return
				}
				start := time.Now()
				publish(t, path, []byte("hi\nexit\n"))
				if took := time.Since(start); took > 2*time.Second {
					t.Errorf("the publisher waited %v for the subscriber to follow", took)
				}
				stdout.expect(t, "hi\nexit\n")
				if status := p.wait(); status != 0 || p.stderr.Len() != 0 {
					t.Errorf("status %d, stderr %q; want 0 and nothing", status, p.stderr.String())
				}
			})
		}
	}
}

// A learner's first exercise: edit handleMessage. The edit shows on every
// message, in both output modes, since every message goes through it.
func TestEditedHandleMessageSeesEveryMessage(t *testing.T) {
	tests := []struct {
		name, old, new string
		raw            bool
		want           string // for message M
	}{
		{"prefix", `out.Print("Received: ", message)`, `out.Print("Got: ", message)`, false, "Got: %s"},
		{"tag", handleMessageHead, handleMessageHead + "\tmessage = append([]byte(\"tag:\"), message...)\n", false, "Received: tag:%s"},
		{"tag, raw", handleMessageHead, handleMessageHead + "\tmessage = append([]byte(\"tag:\"), message...)\n", true, "tag:%s"},
	}
	all := []byte(testbin.Numbered(3000))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edited := testbin.BuildEdited(t, "go-subscriber", "subscriber.go", tt.old, tt.new)
			path := filepath.Join(t.TempDir(), "p")
			args := []string{"--once", "-p", path}
			if tt.raw {
				args = append(args, "--raw")
			}
			p := startProgram(t, edited, nil, args...)
			publish(t, path, all)
			if status := p.wait(); status != 0 {
				t.Fatalf("status %d, stderr %q", status, p.stderr.String())
			}
			got := strings.Split(strings.TrimSuffix(p.stdout.String(), "\n"), "\n")
			testbin.ExpectNumbered(t, got, 3000, tt.want)
		})
	}
}

const handleMessageHead = "func handleMessage(out *output.Output, message []byte, raw bool) framing.Next {\n"
