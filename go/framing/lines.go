package framing

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// Line is one line of standard input, stripped of its LF and of one CR
// before the LF.
type Line struct {
	Number  int    // counts every line of input from 1, empty ones too
	Message []byte // valid until the next call to Next; nil when too long to hold
	Length  int    // length of the message, even when it was not held
}

// LineReader cuts standard input into lines. One bufio.Reader serves the
// whole run: the tutorial made a new reader per message, and every byte
// the old one had read ahead beyond the first line was lost.
type LineReader struct {
	r      *bufio.Reader
	number int
	err    error // sticky, so that a terminal is not read again after ^D
}

// NewLineReader reads lines from in, ReadChunk bytes at a time at most.
func NewLineReader(in io.Reader) *LineReader {
	return &LineReader{r: bufio.NewReaderSize(in, ReadChunk)}
}

// NeedsRead reports whether Next will have to read more input, and so may
// block: no complete line is buffered. The publisher sends its batch at
// that point, which is what makes a typed line go out at once.
func (lr *LineReader) NeedsRead() bool {
	if lr.err != nil {
		return false
	}
	buffered, _ := lr.r.Peek(lr.r.Buffered())
	return bytes.IndexByte(buffered, '\n') < 0
}

// AtLineStart reports whether nothing of the next line has been read yet:
// the only moment to prompt a person for it.
func (lr *LineReader) AtLineStart() bool {
	return lr.err == nil && lr.r.Buffered() == 0
}

// Next returns the next line, or io.EOF, or the error that reading met.
// An unterminated last line is still a line.
func (lr *LineReader) Next() (Line, error) {
	if lr.err != nil {
		return Line{}, lr.err
	}
	data, err := lr.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return lr.skipLongLine(data)
	}
	if err != nil {
		lr.err = err
		// Bytes cut short by a read error are not a line anyone wrote;
		// only end of file turns a fragment into a line.
		if err != io.EOF || len(data) == 0 {
			return Line{}, err
		}
	}
	lr.number++
	message := trimLineEnd(data)
	return Line{Number: lr.number, Message: message, Length: len(message)}, nil
}

// skipLongLine consumes the rest of a line that does not even fit the read
// buffer, counting its bytes without keeping them: it is far over the
// limit already, so memory stays bounded.
func (lr *LineReader) skipLongLine(piece []byte) (Line, error) {
	lr.number++
	length := len(piece)
	last := piece[len(piece)-1]
	for {
		data, err := lr.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			length += len(data)
			last = data[len(data)-1]
			continue
		}
		body := bytes.TrimSuffix(data, []byte("\n"))
		length += len(body)
		if len(body) > 0 {
			last = body[len(body)-1]
		}
		if last == '\r' {
			length-- // the CR of a CRLF ending is not part of the message
		}
		if err != nil {
			lr.err = err
		}
		return Line{Number: lr.number, Length: length}, nil
	}
}

// trimLineEnd removes the LF and one CR before it. A last line without LF
// loses its one CR too, as a subscriber would do with such a fragment.
//
// It looks at the last bytes directly: it runs once per line, and
// bytes.TrimSuffix, which compares slices, was a tenth of the publisher's
// time in make bench.
func trimLineEnd(data []byte) []byte {
	if n := len(data); n > 0 && data[n-1] == '\n' {
		data = data[:n-1]
	}
	if n := len(data); n > 0 && data[n-1] == '\r' {
		data = data[:n-1]
	}
	return data
}

// Check decides what the publisher does with a line: send it, skip it
// silently (an empty line), or reject it with an error that gives the
// line's number and the reason, in the words of PROTOCOL.md, section 5.
func Check(line Line) (send bool, err error) {
	switch {
	case line.Length == 0:
		return false, nil
	case line.Length > MessageMax:
		return false, fmt.Errorf("line %d: message of %d bytes is over the %d-byte limit; not sent",
			line.Number, line.Length, MessageMax)
	case line.Message[len(line.Message)-1] == '\r':
		// Framed as "... CR LF", the reader would remove this CR and
		// deliver a different message: refusing it is more honest.
		return false, fmt.Errorf("line %d: message ends with a carriage return, which a frame cannot carry; not sent",
			line.Number)
	}
	return true, nil
}
