package fifo

import (
	"errors"
	"io"
	"syscall"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/signals"
)

// ErrNotReady is Read's answer when the pipe is empty but a publisher
// still has it open: time to sleep in Wait.
var ErrNotReady = errors.New("nothing to read yet")

// Reader is the subscriber's end of the FIFO: a raw descriptor opened with
// O_NONBLOCK, read with read(2) directly (not through Go's poller, which
// would hide the difference between "empty" and "end of file").
type Reader struct {
	path string
	fd   int
}

// OpenReader opens the FIFO at path (checked by Prepare) for reading. A
// plain open() would wait here for a publisher; a non-blocking one returns
// at once, so that at end of file the subscriber can open the FIFO again
// before it closes the old descriptor (see Reopen), and so that it waits
// for publishers in Wait, where a stop signal can wake it.
func OpenReader(path string) (*Reader, error) {
	fd, err := open(path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	if err != nil {
		return nil, err
	}
	return &Reader{path: path, fd: fd}, nil
}

// Read reads one chunk and tells the three cases apart: bytes (n > 0);
// io.EOF when the pipe is empty and no writer has it open; ErrNotReady
// when it is empty but a writer is connected. On a descriptor just opened
// io.EOF only means that no publisher has come yet: call Wait first.
func (r *Reader) Read(chunk []byte) (int, error) {
	for {
		n, err := syscall.Read(r.fd, chunk)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return 0, ErrNotReady
		case err != nil:
			return 0, &pathError{r.path, err}
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// ReadRestOfFrame is for a stop signal that comes when the bytes read so
// far end in the middle of a frame (PROTOCOL.md 4.8): it reads the rest of
// that one frame into chunk, and nothing more. It reads one byte at a
// time, never waiting, until an LF (kept), until the pipe has no byte
// ready (a writer wrote part of a frame) or is at end of file, or until it
// has read MessageMax+2 bytes (the longest frame: a message, CR and LF) or
// len(chunk) without an LF. It returns the bytes read, perhaps 0.
func (r *Reader) ReadRestOfFrame(chunk []byte) (int, error) {
	// One byte at a time, so that not one byte past the frame's LF is
	// taken from the pipe: what follows stays there for the next reader.
	if len(chunk) > framing.MessageMax+2 {
		chunk = chunk[:framing.MessageMax+2]
	}
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

// Wait sleeps, using no CPU, until the pipe has bytes or end of file to
// report, or a stop signal comes (then it returns false). On Linux, poll()
// on a FIFO that has had no writer since it was opened simply waits.
//
// Why poll() on a raw descriptor, with stop's self-pipe, rather than an
// *os.File with read deadlines: the read must tell EAGAIN from end of
// file, which os.File's poller hides, and poll() is the one place where a
// signal (through the self-pipe) and the pipe can wake the same sleep.
func (r *Reader) Wait(stop *signals.Stop) (bool, error) {
	wake, err := stop.Await(r.fd, signals.Readable, signals.NoTimeout)
	if err != nil {
		return false, &pathError{r.path, err}
	}
	return wake == signals.Ready, nil
}

// Reopen is for end of file, when every publisher has gone: it checks the
// path again (a FIFO removed meanwhile is made again, a file put in its
// place is refused), opens it anew, and only then closes the old
// descriptor. Opening before closing matters: a publisher that opens,
// writes and closes in the moment between would otherwise leave a pipe
// with no reader and no writer, and the kernel would free its frames.
func (r *Reader) Reopen() error {
	if err := Prepare(r.path); err != nil {
		return err
	}
	fd, err := open(r.path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	if err != nil {
		return err
	}
	syscall.Close(r.fd)
	r.fd = fd
	return nil
}

// Close closes the FIFO; what is still in it stays for the next reader.
func (r *Reader) Close() error {
	if err := syscall.Close(r.fd); err != nil {
		return &pathError{r.path, err}
	}
	return nil
}
