package framing

// How LineReader reads standard input: the steps of bufio.Reader's
// ReadSlice('\n'), on LineReader's own buffer, keeping the position of the
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
func (lr *LineReader) readSlice() ([]byte, error) {
	for {
		if lr.lf >= 0 {
			data := lr.buf[lr.start : lr.lf+1]
			lr.start = lr.lf + 1
			lr.lf = lr.indexLF(lr.start)
			return data, nil
		}
		if lr.readErr != nil {
			err := lr.readErr
			lr.readErr = nil
			return lr.takeAll(), err
		}
		if lr.end-lr.start == len(lr.buf) {
			return lr.takeAll(), errBufferFull
		}
		lr.fill()
	}
}

// takeAll empties the buffer, returning what it held.
func (lr *LineReader) takeAll() []byte {
	data := lr.buf[lr.start:lr.end]
	lr.start = lr.end
	return data
}

// fill moves what is left of a line to the front of the buffer and reads
// once after it (reads that bring nothing and no error are retried).
func (lr *LineReader) fill() {
	if lr.start > 0 {
		lr.end = copy(lr.buf, lr.buf[lr.start:lr.end])
		lr.start = 0
	}
	for i := 0; i < maxEmptyReads; i++ {
		n, err := lr.in.Read(lr.buf[lr.end:])
		if n < 0 || n > len(lr.buf)-lr.end {
			panic("framing: reader returned an impossible count")
		}
		old := lr.end
		lr.end += n
		lr.lf = lr.indexLF(old) // there was no LF before old
		if err != nil {
			lr.readErr = err
			return
		}
		if n > 0 {
			return
		}
	}
	lr.readErr = io.ErrNoProgress
}

// indexLF is the index in buf of the first LF in buf[from:end], or -1.
func (lr *LineReader) indexLF(from int) int {
	i := bytes.IndexByte(lr.buf[from:lr.end], '\n')
	if i < 0 {
		return -1
	}
	return from + i
}
