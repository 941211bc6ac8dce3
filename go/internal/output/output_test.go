package output

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"fifo-pubsub/go/internal/signals"
)

func install(t *testing.T) *signals.Stop {
	t.Helper()
	stop, err := signals.Install(signals.StopCleanly)
	if err != nil {
		t.Fatal(err)
	}
	return stop
}

func pipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// messages prints n numbered messages and returns what must come out.
func messages(out *Output, n int) []byte {
	var want bytes.Buffer
	for i := 0; i < n; i++ {
		msg := []byte(fmt.Sprintf("message %06d %s", i, bytes.Repeat([]byte("."), i%97)))
		out.Print("Received: ", msg)
		fmt.Fprintf(&want, "Received: %s\n", msg)
	}
	return want.Bytes()
}

// Whatever goes in comes out, in order, to a pipe (written in pieces after
// poll) and to a regular file (written whole).
func TestPrintFlush(t *testing.T) {
	stop := install(t)
	r, w := pipe(t)
	out := New(int(w.Fd()), stop)
	got := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); got <- b }()
	want := messages(out, 20000) // several buffers' worth
	out.Print("", []byte("raw"))
	out.Print("Exiting...", nil)
	want = append(want, "raw\nExiting...\n"...)
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if b := <-got; !bytes.Equal(b, want) {
		t.Errorf("pipe got %d bytes, want %d", len(b), len(want))
	}

	path := filepath.Join(t.TempDir(), "out")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out = New(int(f.Fd()), stop)
	if out.pieces {
		t.Error("a regular file is written in pieces")
	}
	want = messages(out, 5000)
	if err := out.FlushBeforeExit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, want) {
		t.Errorf("file got %d bytes, want %d", len(b), len(want))
	}
}

// Nothing reaches standard output before a flush while the buffer has room.
func TestBuffered(t *testing.T) {
	r, w := pipe(t)
	out := New(int(w.Fd()), install(t))
	out.Print("Received: ", []byte("a"))
	fd := int(r.Fd()) // once: each Fd() call makes the descriptor blocking again
	if err := syscall.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	if n, err := syscall.Read(fd, buf); err != syscall.EAGAIN {
		t.Errorf("read %q before Flush", buf[:n])
	}
}

// A reader that has gone is one error, in strerror()'s words.
func TestBrokenPipe(t *testing.T) {
	r, w := pipe(t)
	out := New(int(w.Fd()), install(t))
	r.Close()
	out.Print("Received: ", []byte("a"))
	if err := out.Flush(); err == nil || err.Error() != "standard output: Broken pipe" {
		t.Errorf("Flush = %v, want standard output: Broken pipe", err)
	}
	if err := out.FlushBeforeExit(); err == nil || err.Error() != "standard output: Broken pipe" {
		t.Errorf("FlushBeforeExit = %v, want the same error again", err)
	}
}

// After a stop signal, a standard output that takes nothing is given up
// (FlushBeforeExit returns nil, the program exits all the same); one that
// keeps taking bytes, however slowly, gets everything.
func TestFlushBeforeExit(t *testing.T) {
	stop := install(t)
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for !stop.Requested() {
		time.Sleep(time.Millisecond)
	}

	t.Run("stalled", func(t *testing.T) {
		out := New(smallPipe(t), stop)
		messages(out, 500)
		if err := out.FlushBeforeExit(); err != nil {
			t.Errorf("FlushBeforeExit on a stalled output = %v, want nil (given up)", err)
		}
	})

	t.Run("slow", func(t *testing.T) {
		r, w := pipe(t)
		out := New(int(w.Fd()), stop)
		got := make(chan []byte)
		go func() {
			var b []byte
			buf := make([]byte, 16*1024)
			for {
				time.Sleep(200 * time.Millisecond)
				n, err := r.Read(buf)
				b = append(b, buf[:n]...)
				if err != nil {
					got <- b
					return
				}
			}
		}()
		want := messages(out, 3000) // about 200 KB: longer than 2 s to read
		if err := out.FlushBeforeExit(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		if b := <-got; !bytes.Equal(b, want) {
			t.Errorf("slow reader got %d bytes, want %d", len(b), len(want))
		}
	})

	t.Run("second-signal", func(t *testing.T) {
		out := New(smallPipe(t), stop)
		messages(out, 500)
		go func() {
			time.Sleep(100 * time.Millisecond)
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
		}()
		if err := out.FlushBeforeExit(); err != nil {
			t.Errorf("FlushBeforeExit after a second signal = %v, want nil", err)
		}
		if stop.Count() != 2 || stop.ExitStatus() != 130 {
			t.Errorf("count %d, status %d; want 2 and the first signal's 130", stop.Count(), stop.ExitStatus())
		}
	})
}

// smallPipe is the write end of a pipe of 4 KiB that nobody reads: it
// stalls after one piece.
func smallPipe(t *testing.T) int {
	_, w := pipe(t)
	fd := int(w.Fd())
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_SETPIPE_SZ, 4096); errno != 0 {
		t.Fatal(errno)
	}
	return fd
}
