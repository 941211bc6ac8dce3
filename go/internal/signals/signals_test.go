package signals

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func TestAwait(t *testing.T) {
	stop, err := Install(StopCleanly)
	if err != nil {
		t.Fatal(err)
	}
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(p[0])
	defer syscall.Close(p[1])

	if wake, err := stop.Await(p[0], Readable, 10*time.Millisecond); wake != TimedOut || err != nil {
		t.Errorf("empty pipe: %v, %v; want TimedOut", wake, err)
	}
	if wake, err := stop.Await(p[1], Writable, NoTimeout); wake != Ready || err != nil {
		t.Errorf("pipe with room: %v, %v; want Ready", wake, err)
	}
	if _, err := syscall.Write(p[1], []byte("x")); err != nil {
		t.Fatal(err)
	}
	if wake, err := stop.Await(p[0], Readable, NoTimeout); wake != Ready || err != nil {
		t.Errorf("pipe with a byte: %v, %v; want Ready", wake, err)
	}
	if stop.Requested() {
		t.Fatal("a stop requested before any signal")
	}

	// A signal wakes a sleep that would never end otherwise, once.
	go func() {
		time.Sleep(50 * time.Millisecond)
		syscall.Kill(os.Getpid(), syscall.SIGINT)
	}()
	var q [2]int
	if err := syscall.Pipe(q[:]); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(q[0])
	defer syscall.Close(q[1])
	if wake, err := stop.Await(q[0], Readable, NoTimeout); wake != Signaled || err != nil {
		t.Errorf("after SIGINT: %v, %v; want Signaled", wake, err)
	}
	if !stop.Requested() || stop.Count() != 1 || stop.ExitStatus() != 130 {
		t.Errorf("requested %v, count %d, status %d; want true, 1, 130", stop.Requested(), stop.Count(), stop.ExitStatus())
	}
	if wake, _ := stop.Await(q[0], Readable, 10*time.Millisecond); wake != TimedOut {
		t.Errorf("the same signal woke a second sleep: %v", wake)
	}
}
