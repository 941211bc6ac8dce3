package main

// Framing: how standard input becomes frames in the pipe. Lines are split
// on LF, checked against the protocol's limits (../shared/PROTOCOL.md,
// section 2), and whole frames are gathered into batches that each fit one
// atomic write(2).

import (
	"bufio"
	"bytes"
	"io"
)

const (
	// maxMessage is the longest message a frame can carry. With its LF it
	// is exactly PIPE_BUF, the most a single write to a pipe can carry
	// without being interleaved with another writer's bytes.
	maxMessage = 4095

	// pipeBuf is PIPE_BUF on Linux: the size limit of one batch.
	pipeBuf = maxMessage + 1

	// readSize is how much of standard input one read asks for. Reading
	// big chunks keeps piped input cheap, and it also bounds memory: a line
	// longer than this is counted and dropped piece by piece, never held.
	readSize = 64 * 1024
)

// lineKind says what the publisher must do with one line of input.
type lineKind int

const (
	lineMessage    lineKind = iota // send it
	lineEmpty                      // skip it silently
	lineTooLong                    // reject it: over maxMessage bytes
	lineTrailingCR                 // reject it: a reader would eat its last CR
)

// line is one line of standard input, already stripped of LF and of one
// CR before the LF.
type line struct {
	no   int // counts every line of input from 1, empty ones too
	kind lineKind
	msg  []byte // lineMessage only; valid until the next call to next
	size int    // length of the message, even for a rejected one
}

// lineReader splits standard input into lines. It wraps one bufio.Reader
// for the whole run: the tutorial made a new reader per message, and every
// byte the old reader had buffered beyond the first line was lost.
type lineReader struct {
	r   *bufio.Reader
	no  int
	err error // sticky, so that a terminal is not read again after ^D
}

func newLineReader(in io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(in, readSize)}
}

// needsRead reports whether next will have to read more input, and so may
// block: no complete line is buffered. The publisher writes out its batch
// at that point, which is what makes a typed line go out immediately.
func (lr *lineReader) needsRead() bool {
	if lr.err != nil {
		return false
	}
	buffered, _ := lr.r.Peek(lr.r.Buffered())
	return bytes.IndexByte(buffered, '\n') < 0
}

// atLineStart reports whether nothing of the next line has been read yet,
// the moment to prompt a person for it.
func (lr *lineReader) atLineStart() bool {
	return lr.r.Buffered() == 0
}

// next returns the next line, or io.EOF, or the error that reading
// standard input met. An unterminated last line is still a line.
func (lr *lineReader) next() (line, error) {
	if lr.err != nil {
		return line{}, lr.err
	}
	data, err := lr.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return lr.discard(data)
	}
	if err != nil {
		lr.err = err
		// Bytes cut short by a read error are not a line anyone wrote;
		// only end of file turns a fragment into a line.
		if err != io.EOF || len(data) == 0 {
			return line{}, err
		}
	}
	lr.no++
	return classify(lr.no, data), nil
}

// discard consumes the rest of a line that does not even fit the read
// buffer, counting its bytes without keeping them. It is far over the
// limit already, so it can only be rejected.
func (lr *lineReader) discard(piece []byte) (line, error) {
	lr.no++
	size := len(piece)
	last := piece[len(piece)-1]
	for {
		data, err := lr.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			size += len(data)
			last = data[len(data)-1]
			continue
		}
		body := data
		if len(body) > 0 && body[len(body)-1] == '\n' {
			body = body[:len(body)-1]
		}
		size += len(body)
		if len(body) > 0 {
			last = body[len(body)-1]
		}
		if last == '\r' {
			size-- // the CR of a CRLF ending is not part of the message
		}
		if err != nil {
			lr.err = err
		}
		return line{no: lr.no, kind: lineTooLong, size: size}, nil
	}
}

// classify strips the LF and one CR before it from a raw line and decides
// what it is. A last line without LF is taken as if the LF were there, so
// its one CR goes too, as a subscriber would do with such a fragment.
func classify(no int, data []byte) line {
	msg := data
	if n := len(msg); n > 0 && msg[n-1] == '\n' {
		msg = msg[:n-1]
	}
	if n := len(msg); n > 0 && msg[n-1] == '\r' {
		msg = msg[:n-1]
	}
	l := line{no: no, size: len(msg)}
	switch {
	case len(msg) == 0:
		l.kind = lineEmpty
	case len(msg) > maxMessage:
		l.kind = lineTooLong
	case msg[len(msg)-1] == '\r':
		// Framed as "...CR LF", the reader would strip this CR and
		// deliver a different message; refusing it is more honest.
		l.kind = lineTrailingCR
	default:
		l.kind = lineMessage
		l.msg = msg
	}
	return l
}

// batch gathers whole frames for a single write(2) of at most pipeBuf
// bytes. A write that size to a pipe is atomic, so a frame is never split
// and never mixed with another publisher's frames.
type batch struct {
	buf []byte
}

func newBatch() batch {
	return batch{buf: make([]byte, 0, pipeBuf)}
}

// fits reports whether the frame for msg still fits in this batch.
func (b *batch) fits(msg []byte) bool {
	return len(b.buf)+len(msg)+1 <= pipeBuf
}

// add appends msg as a frame: the message and one LF.
func (b *batch) add(msg []byte) {
	b.buf = append(b.buf, msg...)
	b.buf = append(b.buf, '\n')
}

func (b *batch) bytes() []byte { return b.buf }
func (b *batch) empty() bool   { return len(b.buf) == 0 }
func (b *batch) reset()        { b.buf = b.buf[:0] }
