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

	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/signals"
)

func TestMain(m *testing.M) {
	report.SetProgram("go-test")
	os.Exit(m.Run())
}

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
	if status := out.Finish(0); status != 0 {
		t.Fatalf("Finish(0) = %d", status)
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

// A reader that has gone is one error, in strerror()'s words, reported
// once; Failed then says stop, and Finish gives status 1.
func TestBrokenPipe(t *testing.T) {
	var reports bytes.Buffer
	report.SetOutput(&reports)
	defer report.SetOutput(os.Stderr)
	r, w := pipe(t)
	out := New(int(w.Fd()), install(t))
	r.Close()
	out.Print("Received: ", []byte("a"))
	if out.Failed() {
		t.Error("Failed before anything was written")
	}
	if err := out.Flush(); err == nil || err.Error() != "standard output: Broken pipe" {
		t.Errorf("Flush = %v, want standard output: Broken pipe", err)
	}
	out.Print("Received: ", []byte("b"))
	if err := out.Flush(); err == nil || !out.Failed() {
		t.Errorf("Flush = %v, Failed = %v after an error; want the error again, true", err, out.Failed())
	}
	if status := out.Finish(0); status != 1 {
		t.Errorf("Finish(0) = %d, want 1", status)
	}
	if want := "go-test: standard output: Broken pipe\n"; reports.String() != want {
		t.Errorf("reported %q, want %q once", reports.String(), want)
	}
}

// Finish gives the status it is given, when nothing went wrong.
func TestFinishStatus(t *testing.T) {
	_, w := pipe(t)
	out := New(int(w.Fd()), install(t))
	for _, status := range []int{0, 1} {
		if got := out.Finish(status); got != status {
			t.Errorf("Finish(%d) = %d", status, got)
		}
	}
}

// After a stop signal, a standard output that takes nothing is given up
// (the program exits all the same, 130 after SIGINT, with no error line);
// one that keeps taking bytes, however slowly, gets everything.
func TestFinishAfterStop(t *testing.T) {
	var reports bytes.Buffer
	report.SetOutput(&reports)
	defer report.SetOutput(os.Stderr)
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
		if status := out.Finish(0); status != 130 || reports.Len() != 0 {
			t.Errorf("Finish on a stalled output = %d, reports %q; want 130 and none", status, reports.String())
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
		if status := out.Finish(0); status != 130 {
			t.Fatalf("Finish = %d, want 130", status)
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
		if status := out.Finish(0); status != 130 || reports.Len() != 0 {
			t.Errorf("Finish after a second signal = %d, reports %q; want 130 and none", status, reports.String())
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
