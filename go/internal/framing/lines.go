package framing

import (
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

// LineReader cuts standard input into lines. One buffer serves the whole
// run: the tutorial made a new reader per message, and every byte the old
// one had read ahead beyond the first line was lost.
//
// It reads as bufio.Reader.ReadSlice would (linebuffer.go), but into a
// buffer of its own: bufio hides its buffer, and the publisher takes
// ordinary lines straight from it (TakePlain), while the position of the
// next LF, looked up once, serves NeedsRead, Next and TakePlain alike.
// With bufio every line was scanned twice and handled one at a time, which
// cost the Go publisher half its speed in make bench.
type LineReader struct {
	in         io.Reader
	buf        []byte // ReadChunk bytes; buf[start:end] is read but not yet taken
	start, end int
	lf         int   // index in buf of the first LF in buf[start:end], or -1
	readErr    error // what a read returned with or instead of bytes, not yet passed on
	number     int
	err        error // sticky, so that a terminal is not read again after ^D
}

// NewLineReader reads lines from in, ReadChunk bytes at a time at most.
func NewLineReader(in io.Reader) *LineReader {
	return &LineReader{in: in, buf: make([]byte, ReadChunk), lf: -1}
}

// NeedsRead reports whether Next will have to read more input, and so may
// block: no complete line is buffered. The publisher sends its batch at
// that point, which is what makes a typed line go out at once.
func (lr *LineReader) NeedsRead() bool {
	return lr.err == nil && lr.lf < 0
}

// AtLineStart reports whether nothing of the next line has been read yet:
// the only moment to prompt a person for it.
func (lr *LineReader) AtLineStart() bool {
	return lr.err == nil && lr.start == lr.end
}

// Next returns the next line, or io.EOF, or the error that reading met.
// An unterminated last line is still a line.
func (lr *LineReader) Next() (Line, error) {
	if lr.err != nil {
		return Line{}, lr.err
	}
	data, err := lr.readSlice()
	if err == errBufferFull {
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

// TakePlain moves the ordinary lines at the head of the buffer into the
// batch as frames, in one copy: a line and its LF are already the frame.
// It stops at the first line that is not ordinary (empty, ending in CR,
// "exit"), at a line not yet whole, and at one that does not fit the
// batch (so at any line over MessageMax, too); those go the careful way,
// through Next, Check and WriteMessage. It returns how many lines it took;
// they count for line numbers as if Next had returned them.
func (lr *LineReader) TakePlain(batch *Batch) int {
	start, lf := lr.start, lr.lf
	room := FrameMax - len(batch.buf)
	taken := 0
	for lf >= 0 && lf+1-lr.start <= room {
		message := lr.buf[start:lf]
		if len(message) == 0 || message[len(message)-1] == '\r' || IsExit(message) {
			break
		}
		taken++
		start = lf + 1
		lf = lr.indexLF(start)
	}
	if taken > 0 {
		batch.buf = append(batch.buf, lr.buf[lr.start:start]...)
		lr.start, lr.lf = start, lf
		lr.number += taken
	}
	return taken
}

// skipLongLine consumes the rest of a line that does not even fit the read
// buffer, counting its bytes without keeping them: it is far over the
// limit already, so memory stays bounded.
func (lr *LineReader) skipLongLine(piece []byte) (Line, error) {
	lr.number++
	length := len(piece)
	last := piece[len(piece)-1]
	for {
		data, err := lr.readSlice()
		if err == errBufferFull {
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
