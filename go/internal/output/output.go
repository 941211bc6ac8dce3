// Package output is the subscriber's standard output (shared/PROTOCOL.md,
// section 4, steps 2, 3 and 8): buffered in 64 KiB, flushed when the pipe
// is idle, and written out in full before the subscriber stops on a
// signal, for as long as standard output keeps taking bytes.
package output

import (
	"errors"
	"syscall"
	"time"

	"fifo-pubsub/go/internal/fifo"
	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/signals"
)

// stallLimit is how long, after a stop signal, standard output may take
// nothing before the subscriber gives up on it and exits all the same.
const stallLimit = 2 * time.Second

// pieceMax is the most written at once to a pipe, socket or terminal:
// when poll() says a pipe has room, it has room for PIPE_BUF bytes, so a
// write of that size never blocks.
const pieceMax = framing.FrameMax

// errGaveUp: after a stop signal, standard output took nothing for
// stallLimit, or a second signal came. Not an error to report: the
// program exits all the same.
var errGaveUp = errors.New("gave up on standard output")

// Output buffers what the subscriber prints on a descriptor.
//
// Go retries system calls that a signal interrupts, so a write(2) blocked
// on a stalled standard output could never be cut short by SIGINT. So
// writes to a pipe, socket or terminal are made only after poll() says
// there is room, at most pieceMax bytes at a time, and that poll() also
// wakes on a stop signal. A regular file or /dev/null never stalls and
// takes the whole buffer in one write.
type Output struct {
	fd     int
	buf    []byte
	pieces bool // fd may stall: poll, then write at most pieceMax bytes
	stop   *signals.Stop
	err    error // the first write error; nothing more is written after it
}

// New buffers output for fd; stop's signals can interrupt a wait for it.
func New(fd int, stop *signals.Stop) *Output {
	o := &Output{fd: fd, buf: make([]byte, 0, framing.ReadChunk), stop: stop, pieces: true}
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) == nil {
		switch st.Mode & syscall.S_IFMT {
		case syscall.S_IFREG, syscall.S_IFBLK:
			o.pieces = false
		case syscall.S_IFCHR:
			o.pieces = fifo.IsTerminal(fd) // /dev/null and the like never stall
		}
	}
	return o
}

// Print adds prefix, message and LF to the buffer, first writing the
// buffer out if they do not fit. After a write error (reported, and
// remembered by Failed) nothing more is written.
func (o *Output) Print(prefix string, message []byte) {
	if len(o.buf)+len(prefix)+len(message)+1 > cap(o.buf) {
		o.writeOut()
	}
	o.buf = append(o.buf, prefix...)
	o.buf = append(o.buf, message...)
	o.buf = append(o.buf, '\n')
}

// Flush writes the buffer out, when the pipe has nothing more ready, so
// nothing waits in it while the pipe is idle. It waits for a slow reader of
// standard output as long as it takes, until a stop signal comes (then as
// Finish does). It returns the first write error, already reported.
func (o *Output) Flush() error {
	o.writeOut()
	return o.err
}

// Failed reports whether writing standard output has failed: the
// subscriber then stops.
func (o *Output) Failed() bool { return o.err != nil }

// Finish writes out everything held before the program exits, and gives
// its exit status: 130 or 143 after a stop signal, else 1 if standard
// output failed, else status. After a stop signal it waits for a slow
// standard output as long as that keeps taking bytes, and gives up when it
// takes nothing for 2 seconds, or at a second signal.
func (o *Output) Finish(status int) int {
	o.writeOut()
	switch {
	case o.stop != nil && o.stop.Requested():
		return o.stop.ExitStatus()
	case o.err != nil:
		return 1
	}
	return status
}

// writeOut writes the whole buffer, or records why it could not.
func (o *Output) writeOut() {
	data := o.buf
	o.buf = o.buf[:0]
	for len(data) > 0 && o.err == nil {
		piece := data
		if o.pieces {
			if !o.awaitRoom() {
				return
			}
			if len(piece) > pieceMax {
				piece = piece[:pieceMax]
			}
		}
		n, err := syscall.Write(o.fd, piece)
		switch {
		case err == syscall.EINTR || err == syscall.EAGAIN:
			continue // nothing written; poll again
		case err != nil:
			o.fail(err)
		}
		if n > 0 {
			data = data[n:]
		}
	}
}

// fail records a write error, and reports it: once, since nothing more
// is written after it.
func (o *Output) fail(err error) {
	o.err = errors.New("standard output: " + report.ErrText(err))
	report.Printf("%v", o.err)
}

// awaitRoom sleeps until standard output can take bytes. Before a stop
// signal it waits as long as it takes; after one, at most stallLimit, and
// a second signal ends the wait at once.
func (o *Output) awaitRoom() bool {
	for {
		timeout := signals.NoTimeout
		if o.stop.Count() >= 2 {
			o.err = errGaveUp
			return false
		}
		if o.stop.Requested() {
			timeout = stallLimit
		}
		wake, err := o.stop.Await(o.fd, signals.Writable, timeout)
		switch {
		case err != nil:
			o.fail(err)
			return false
		case wake == signals.TimedOut:
			o.err = errGaveUp
			return false
		case wake == signals.Ready:
			return true
		}
		// A signal: look again at how many there were.
	}
}
