// Package signals handles SIGPIPE, SIGINT and SIGTERM (shared/PROTOCOL.md,
// sections 3.8 and 4.8). SIGPIPE is ignored, so that writing to a pipe
// nobody reads is an EPIPE error the programs handle instead of a silent
// death. SIGINT and SIGTERM either end the program at once (the
// publisher) or become a stop request that the program acts on when it is
// ready (the subscriber, which first prints what it has read).
package signals

import (
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// Mode says what SIGINT and SIGTERM do.
type Mode int

const (
	// ExitAtOnce ends the program with status 128 + the signal's number,
	// even while it is blocked in open() or write().
	ExitAtOnce Mode = iota
	// StopCleanly records the signal; the program asks Requested, and
	// sleeps in Stop.Await, which a signal wakes.
	StopCleanly
)

// Stop is the record of the stop signals received.
//
// Go delivers signals to a goroutine, not to the thread that is blocked in
// a system call, and it restarts interrupted calls itself: a signal cannot
// cut a sleep short the way it does in C. So the goroutine that receives
// them writes a byte into a pipe of our own (the self-pipe trick), and
// every sleep of the program is a poll() that watches that pipe as well.
type Stop struct {
	signal    int32 // the first stop signal, 0 before any
	count     int32 // stop signals received so far
	wakeRead  int   // readable once a signal has come
	wakeWrite int
}

// Install ignores SIGPIPE and catches SIGINT and SIGTERM as mode says.
// With ExitAtOnce the returned Stop is nil.
func Install(mode Mode) (*Stop, error) {
	signal.Ignore(syscall.SIGPIPE)
	caught := make(chan os.Signal, 4)
	signal.Notify(caught, syscall.SIGINT, syscall.SIGTERM)
	if mode == ExitAtOnce {
		go func() {
			s := <-caught
			os.Exit(128 + int(s.(syscall.Signal)))
		}()
		return nil, nil
	}

	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		return nil, err
	}
	s := &Stop{wakeRead: fds[0], wakeWrite: fds[1]}
	go func() {
		for sig := range caught {
			atomic.CompareAndSwapInt32(&s.signal, 0, int32(sig.(syscall.Signal)))
			atomic.AddInt32(&s.count, 1)
			// A full pipe already wakes the sleeper: EAGAIN is fine.
			_, _ = syscall.Write(s.wakeWrite, []byte{1})
		}
	}()
	return s, nil
}

// Requested reports whether a stop signal has come.
func (s *Stop) Requested() bool { return atomic.LoadInt32(&s.count) > 0 }

// Count is the number of stop signals received so far.
func (s *Stop) Count() int { return int(atomic.LoadInt32(&s.count)) }

// ExitStatus is the shell's status for the first stop signal: 130 after
// SIGINT, 143 after SIGTERM.
func (s *Stop) ExitStatus() int { return 128 + int(atomic.LoadInt32(&s.signal)) }

// Event is what Await waits for on a descriptor.
type Event int16

const (
	Readable Event = 0x1 // POLLIN
	Writable Event = 0x4 // POLLOUT
)

// NoTimeout makes Await sleep for as long as it takes.
const NoTimeout time.Duration = -1

// Wake says why Await returned.
type Wake int

const (
	Ready    Wake = iota // the descriptor is ready (or has an error or hangup to report)
	Signaled             // a stop signal came while it slept
	TimedOut             // the timeout passed
)

// pollFd is struct pollfd of poll(2).
type pollFd struct {
	fd      int32
	events  int16
	revents int16
}

// Await sleeps in the kernel, using no CPU, until fd is ready for event, a
// stop signal comes, or timeout passes (NoTimeout never does). It
// returns Signaled for each signal that comes while it sleeps, or that came
// since the last call; the caller decides, with Count, what that means.
func (s *Stop) Await(fd int, event Event, timeout time.Duration) (Wake, error) {
	deadline := time.Now().Add(timeout)
	for {
		fds := [2]pollFd{
			{fd: int32(fd), events: int16(event)},
			{fd: int32(s.wakeRead), events: int16(Readable)},
		}
		var ts *syscall.Timespec
		if timeout >= 0 {
			left := time.Until(deadline)
			if left < 0 {
				left = 0
			}
			t := syscall.NsecToTimespec(int64(left))
			ts = &t
		}
		// ppoll, not poll: arm64 has no poll system call.
		n, _, errno := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), 2,
			uintptr(unsafe.Pointer(ts)), 0, 0, 0)
		switch {
		case errno == syscall.EINTR:
			continue // the runtime's own signals; the deadline still holds
		case errno != 0:
			return Ready, errno
		case fds[1].revents != 0:
			s.drain()
			return Signaled, nil
		case fds[0].revents != 0:
			return Ready, nil
		case n == 0:
			return TimedOut, nil
		}
	}
}

// drain empties the self-pipe, so that the next Await sleeps until the
// next signal.
func (s *Stop) drain() {
	var buf [16]byte
	for {
		if n, err := syscall.Read(s.wakeRead, buf[:]); n <= 0 || err != nil {
			return
		}
	}
}
