package fifo

import (
	"errors"
	"io"
	"syscall"
	"time"
	"unsafe"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
)

const (
	// retryEvery is the longest a publisher waiting for a subscriber waits
	// before it tries to open the FIFO again (the first pauses are 2, 4,
	// 8 ... ms, so that a subscriber that comes a moment later is found at
	// once); the FIFO checks run every checkEvery tries (about once a
	// second), so that a FIFO removed is made again.
	retryEvery = 100 * time.Millisecond
	checkEvery = 10

	// drainEvery is how often Close looks whether the pipe is empty yet;
	// after drainNotice it says that it waits.
	drainEvery  = 10 * time.Millisecond
	drainNotice = time.Second
)

// Writer is the publisher's end of the FIFO, with the batch of frames
// waiting to be written. It keeps a raw, blocking descriptor rather than
// an *os.File, so that a batch is exactly one write(2), with nothing in
// between that could split it or retry part of it.
type Writer struct {
	path  string
	fd    int
	Batch *framing.Batch
}

// OpenWriter opens the FIFO at path (checked by Prepare) for writing,
// which waits for a subscriber (see openWriter).
func OpenWriter(path string) (*Writer, error) {
	fd, err := openWriter(path)
	if err != nil {
		return nil, err
	}
	return &Writer{path: path, fd: fd, Batch: framing.NewBatch()}, nil
}

// openWriter waits for a subscriber and returns a blocking descriptor of
// the FIFO. A blocking open() would wait on the FIFO that was at the path
// when it started, even after that one is removed and a new one made, so
// it tries a non-blocking open every retryEvery instead (ENXIO: no reader
// yet), running the FIFO checks again now and then, and says once that it
// waits. SIGINT and SIGTERM end the program meanwhile.
func openWriter(path string) (int, error) {
	announced := false
	for try := 0; ; try++ {
		if try%checkEvery == 0 {
			if err := Prepare(path); err != nil {
				return -1, err
			}
		}
		fd, err := open(path, syscall.O_WRONLY|syscall.O_NONBLOCK)
		if err == nil {
			// Writes must wait while the pipe is full, not fail with EAGAIN.
			if err := syscall.SetNonblock(fd, false); err != nil {
				syscall.Close(fd)
				return -1, &pathError{path, err}
			}
			return fd, nil
		}
		if !errors.Is(err, syscall.ENXIO) && !errors.Is(err, syscall.ENOENT) {
			return -1, err
		}
		if !announced {
			report.Printf("%s: waiting for a subscriber", path)
			announced = true
		}
		time.Sleep(retryPause(try))
	}
}

// retryPause is the pause after try number try: 2, 4, 8 ... ms, then
// retryEvery.
func retryPause(try int) time.Duration {
	if try < 6 {
		return time.Duration(2<<try) * time.Millisecond
	}
	return retryEvery
}

// Send writes the batch into the pipe in one write(2) and empties it. A
// write of at most PIPE_BUF bytes to a pipe is all or nothing, so when the
// subscriber has gone (EPIPE: SIGPIPE is ignored) none of it arrived:
// Send says so, waits for the next subscriber, and writes the same batch
// again. Nothing is lost or sent twice.
func (w *Writer) Send() error {
	for !w.Batch.Empty() {
		n, err := syscall.Write(w.fd, w.Batch.Bytes())
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
		case n != len(w.Batch.Bytes()):
			// Cannot happen for a write of at most PIPE_BUF bytes.
			return &pathError{w.path, io.ErrShortWrite}
		default:
			w.Batch.Reset()
		}
	}
	return nil
}

// reopen opens the FIFO again after the subscriber went away. The old
// descriptor stays open until the new open succeeds: while any descriptor
// is open the kernel keeps the pipe's buffer, so frames the old subscriber
// never read reach the new one.
func (w *Writer) reopen() error {
	fd, err := openWriter(w.path)
	if err != nil {
		return err
	}
	syscall.Close(w.fd)
	w.fd = fd
	return nil
}

// Close sends what the batch holds, waits until a subscriber has taken
// every byte from the pipe, and closes it; a subscriber then sees end of
// file. Closing at once would let the kernel free frames still in the
// pipe if the subscriber is restarted before it reads them: nobody would
// hold the pipe open in between. When that takes more than drainNotice,
// it says once how many bytes are left.
func (w *Writer) Close() error {
	if err := w.Send(); err != nil {
		return err
	}
	start, announced := time.Now(), false
	for left := w.unread(); left > 0; left = w.unread() {
		if !announced && time.Since(start) > drainNotice {
			report.Printf("%s: waiting for a subscriber to take %d bytes", w.path, left)
			announced = true
		}
		time.Sleep(drainEvery)
	}
	if err := syscall.Close(w.fd); err != nil {
		return &pathError{w.path, err}
	}
	return nil
}

// unread is how many bytes wait in the pipe (FIONREAD, which Linux
// answers on a FIFO's write end too); 0 when it cannot tell.
func (w *Writer) unread() int {
	var n int32
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(w.fd),
		uintptr(syscall.TIOCINQ), uintptr(unsafe.Pointer(&n)))
	if errno != 0 {
		return 0
	}
	return int(n)
}
