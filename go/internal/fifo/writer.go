package fifo

import (
	"errors"
	"io"
	"syscall"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
)

// Writer is the publisher's end of the FIFO. It keeps a raw, blocking
// descriptor rather than an *os.File, so that a batch is exactly one
// write(2), with nothing in between that could split it or retry part of it.
type Writer struct {
	path string
	fd   int
}

// OpenWriter opens the FIFO at path (checked by Prepare) for writing.
// That waits for a subscriber: a first non-blocking attempt fails with
// ENXIO when there is none yet, so the wait is announced, once.
func OpenWriter(path string) (*Writer, error) {
	fd, err := openWriter(path)
	if err != nil {
		return nil, err
	}
	return &Writer{path: path, fd: fd}, nil
}

func openWriter(path string) (int, error) {
	fd, err := open(path, syscall.O_WRONLY|syscall.O_NONBLOCK)
	if errors.Is(err, syscall.ENXIO) {
		report.Printf("%s: waiting for a subscriber", path)
		return open(path, syscall.O_WRONLY)
	}
	if err != nil {
		return -1, err
	}
	// Writes must wait while the pipe is full, not fail with EAGAIN.
	if err := syscall.SetNonblock(fd, false); err != nil {
		syscall.Close(fd)
		return -1, &pathError{path, err}
	}
	return fd, nil
}

// Send writes the batch into the pipe in one write(2) and empties it. A
// write of at most PIPE_BUF bytes to a pipe is all or nothing, so when the
// subscriber has gone (EPIPE: SIGPIPE is ignored) none of it arrived:
// Send says so, waits for the next subscriber, and writes the same batch
// again. Nothing is lost or sent twice.
func (w *Writer) Send(batch *framing.Batch) error {
	for !batch.Empty() {
		n, err := syscall.Write(w.fd, batch.Bytes())
		switch {
		case err == syscall.EINTR:
			// Nothing was written; try again.
		case err == syscall.EPIPE:
			report.Printf("%s: subscriber went away (broken pipe)", w.path)
			if err := w.reopen(); err != nil {
				return err
			}
		case err != nil:
			return &pathError{w.path, err}
		case n != len(batch.Bytes()):
			// Cannot happen for a write of at most PIPE_BUF bytes.
			return &pathError{w.path, io.ErrShortWrite}
		default:
			batch.Reset()
		}
	}
	return nil
}

// reopen opens the FIFO again after the subscriber went away, checking it
// as the first time. The old descriptor stays open until the new open
// succeeds: while any descriptor is open the kernel keeps the pipe's
// buffer, so frames the old subscriber never read reach the new one.
func (w *Writer) reopen() error {
	if err := Prepare(w.path); err != nil {
		return err
	}
	fd, err := openWriter(w.path)
	if err != nil {
		return err
	}
	syscall.Close(w.fd)
	w.fd = fd
	return nil
}

// Close closes the FIFO; a subscriber then sees end of file.
func (w *Writer) Close() error {
	if err := syscall.Close(w.fd); err != nil {
		return &pathError{w.path, err}
	}
	return nil
}
