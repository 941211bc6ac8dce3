package fifo

import (
	"syscall"
	"time"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/signals"
)

// Got is what one call of Reader.Read found.
type Got int

const (
	Bytes     Got = iota // bytes, fed to the decoder
	EndOfFile            // every publisher has closed the pipe
	Stopped              // a stop signal, or standard output failed
)

// followEvery is how often a reader that waits checks that its path
// still names the FIFO it holds.
const followEvery = time.Second

// Flusher is the subscriber's standard output: flushed before a wait, so
// that nothing waits in a buffer while the pipe is idle.
type Flusher interface {
	Flush() error
}

// Reader is the subscriber's end of the FIFO: a raw descriptor opened with
// O_NONBLOCK, read with read(2) directly (not through Go's poller, which
// would hide the difference between "empty" and "end of file").
type Reader struct {
	path     string
	fd       int
	stop     *signals.Stop
	chunk    []byte
	mustWait bool // just opened, or found empty: sleep before reading
	fresh    bool // no publisher seen since it was opened: follow the path
}

// OpenReader opens the FIFO at path (checked by Prepare) for reading. A
// plain open() would wait here for a publisher; a non-blocking one returns
// at once, so that at end of file the subscriber can open the FIFO again
// before it closes the old descriptor (see Reopen), and so that it waits
// for publishers in Read, where a stop signal can wake it. When standard
// error is a terminal it says once that it waits, so that a person does
// not take the silence for a hang.
func OpenReader(path string, stop *signals.Stop) (*Reader, error) {
	fd, err := open(path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	if err != nil {
		return nil, err
	}
	if IsTerminal(syscall.Stderr) {
		report.Printf("%s: waiting for a publisher", path)
	}
	return &Reader{path: path, fd: fd, stop: stop, chunk: make([]byte, framing.ReadChunk), mustWait: true, fresh: true}, nil
}

// Read reads what the pipe holds and feeds it to frames. When nothing is
// ready it flushes out and sleeps until there is. It returns Bytes; or
// EndOfFile, every publisher gone, after the unterminated fragment, if
// any, was given to frames as a frame; or Stopped after a stop signal (the
// rest of a frame begun read first, PROTOCOL.md 4.8), or when out failed.
func (r *Reader) Read(frames *framing.Decoder, out Flusher) (Got, error) {
	for {
		if r.stop.Requested() {
			return Stopped, r.finishFrame(frames)
		}
		if !r.mustWait {
			n, err := syscall.Read(r.fd, r.chunk)
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
				// A publisher is there, but has sent nothing more.
				r.mustWait, r.fresh = true, false
			case err != nil:
				return Bytes, &pathError{r.path, err}
			case n == 0 && r.fresh:
				r.mustWait = true // no publisher yet: not an end of file
			case n == 0:
				frames.Finish()
				return EndOfFile, nil
			default:
				r.fresh = false
				frames.Feed(r.chunk[:n])
				return Bytes, nil
			}
		}
		// Waiting for a publisher: the path must still name our FIFO.
		if r.fresh && r.pathMoved() {
			if err := r.Reopen(); err != nil {
				return Bytes, err
			}
		}
		// Nothing ready: flush, then sleep. Standard output failed (out
		// reported it): stop, leaving whole frames in the pipe.
		if out.Flush() != nil {
			return Stopped, r.finishFrame(frames)
		}
		if err := r.wait(); err != nil {
			return Bytes, err
		}
	}
}

// wait sleeps, using no CPU, until the pipe has bytes or end of file to
// report, or a stop signal comes. On Linux, poll() on a FIFO that has had
// no writer since it was opened simply waits. Once a second it checks that
// the path still names the FIFO it holds, and follows it when not.
//
// Why poll() on a raw descriptor, with stop's self-pipe, rather than an
// *os.File with read deadlines: the read must tell EAGAIN from end of
// file, which os.File's poller hides, and poll() is the one place where a
// signal (through the self-pipe) and the pipe can wake the same sleep.
func (r *Reader) wait() error {
	if r.stop.Requested() {
		return nil // it came while out was flushed
	}
	wake, err := r.stop.Await(r.fd, signals.Readable, followEvery)
	switch {
	case err != nil:
		return &pathError{r.path, err}
	case wake == signals.Ready:
		r.mustWait, r.fresh = false, false
	case wake == signals.TimedOut:
		r.mustWait = false // look again: a publisher may be there, silent
	}
	return nil
}

// pathMoved reports whether the path no longer names the FIFO held open:
// removed, or replaced by another FIFO or by anything else. A publisher
// opening the path would then wait there forever, and we here.
func (r *Reader) pathMoved() bool {
	var held, now syscall.Stat_t
	if syscall.Fstat(r.fd, &held) != nil {
		return true
	}
	err := syscall.Lstat(r.path, &now)
	return err != nil || now.Dev != held.Dev || now.Ino != held.Ino
}

// finishFrame is for a stop signal that comes when the bytes read so far
// end in the middle of a frame: it reads the rest of that frame, and
// nothing more, and gives it to frames as the last bytes there are.
func (r *Reader) finishFrame(frames *framing.Decoder) error {
	if !frames.MidFrame() {
		return nil
	}
	n, err := r.readRestOfFrame(r.chunk)
	frames.FeedLast(r.chunk[:n])
	return err
}

// readRestOfFrame reads the rest of one frame into chunk, one byte at a
// time, never waiting, so that not one byte past the frame's LF is taken
// from the pipe: what follows stays there for the next reader. It stops at
// an LF (kept), when the pipe has no byte ready (a writer wrote part of a
// frame) or is at end of file, or after MessageMax+2 bytes (the longest
// frame: a message, CR and LF) without an LF. It returns the bytes read.
func (r *Reader) readRestOfFrame(chunk []byte) (int, error) {
	chunk = chunk[:framing.MessageMax+2]
	got := 0
	for got < len(chunk) {
		n, err := syscall.Read(r.fd, chunk[got:got+1])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN || (err == nil && n == 0):
			return got, nil // no more of the frame: it ends here
		case err != nil:
			return got, &pathError{r.path, err}
		}
		got++
		if chunk[got-1] == '\n' {
			break
		}
	}
	return got, nil
}

// Reopen is for end of file, when every publisher has gone, and for a path
// that no longer names the FIFO held: it checks the path again (a FIFO
// removed meanwhile is made again, a file put in its place is refused),
// opens it anew, and only then closes the old descriptor. Opening before
// closing matters: a publisher that opens, writes and closes in the moment
// between would otherwise leave a pipe with no reader and no writer, and
// the kernel would free its frames.
func (r *Reader) Reopen() error {
	if err := Prepare(r.path); err != nil {
		return err
	}
	fd, err := open(r.path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	if err != nil {
		return err
	}
	syscall.Close(r.fd)
	r.fd, r.mustWait, r.fresh = fd, true, true
	return nil
}

// Close closes the FIFO; what is still in it stays for the next reader.
func (r *Reader) Close() error {
	if err := syscall.Close(r.fd); err != nil {
		return &pathError{r.path, err}
	}
	return nil
}
