package lines

// How Reader reads standard input: the steps of bufio.Reader's
// ReadSlice('\n'), on a buffer of its own, keeping the position of the
// next LF up to date as bytes come in and lines go out.

import (
	"bytes"
	"errors"
	"io"
)

// errBufferFull says that a line does not even fit the read buffer.
var errBufferFull = errors.New("line longer than the read buffer")

// maxEmptyReads is how many reads in a row may return nothing and no
// error before reading gives up with io.ErrNoProgress, as bufio does.
const maxEmptyReads = 100

// readSlice returns the buffered input up to and including the next LF,
// as bufio.Reader.ReadSlice('\n') does: reading more while there is none,
// the rest of the buffer with the error a read met, or a full buffer with
// errBufferFull. The slice is valid until the next read.
func (r *Reader) readSlice() ([]byte, error) {
	for {
		if r.lf >= 0 {
			data := r.buf[r.start : r.lf+1]
			r.start = r.lf + 1
			r.lf = r.indexLF(r.start)
			return data, nil
		}
		if r.readErr != nil {
			err := r.readErr
			r.readErr = nil
			return r.takeAll(), err
		}
		if r.end-r.start == len(r.buf) {
			return r.takeAll(), errBufferFull
		}
		r.fill()
	}
}

// takeAll empties the buffer, returning what it held.
func (r *Reader) takeAll() []byte {
	data := r.buf[r.start:r.end]
	r.start = r.end
	return data
}

// fill moves what is left of a line to the front of the buffer and reads
// once after it (reads that bring nothing and no error are retried).
func (r *Reader) fill() {
	if r.start > 0 {
		r.end = copy(r.buf, r.buf[r.start:r.end])
		r.start = 0
	}
	for i := 0; i < maxEmptyReads; i++ {
		n, err := r.in.Read(r.buf[r.end:])
		if n < 0 || n > len(r.buf)-r.end {
			panic("lines: reader returned an impossible count")
		}
		old := r.end
		r.end += n
		r.lf = r.indexLF(old) // there was no LF before old
		if err != nil {
			r.readErr = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.readErr = io.ErrNoProgress
}

// indexLF is the index in buf of the first LF in buf[from:end], or -1.
func (r *Reader) indexLF(from int) int {
	i := bytes.IndexByte(r.buf[from:r.end], '\n')
	if i < 0 {
		return -1
	}
	return from + i
}
