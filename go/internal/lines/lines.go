// Package lines reads the publisher's standard input line by line
// (shared/PROTOCOL.md, section 3, steps 3 and 4): it prompts a person at a
// terminal, skips empty lines, refuses and reports lines that no frame can
// carry, and sends the pipe's batch before any read that may wait, so that
// a typed line goes out at once.
package lines

import (
	"bytes"
	"errors"
	"io"
	"os"

	"fifo-pubsub/go/internal/fifo"
	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
)

// Sender is the pipe the lines go to: Send writes what its batch holds.
type Sender interface {
	Send() error
}

// Reader gives the lines of standard input to send. One buffer serves the
// whole run: the tutorial made a new reader per message, and every byte
// the old one had read ahead beyond the first line was lost.
//
// It reads as bufio.Reader.ReadSlice does (buffer.go), but keeps the
// position of the next LF, looked up once per line: that also answers,
// before every line, whether the next read may wait.
type Reader struct {
	in       io.Reader
	prompt   string
	terminal int  // standard input's descriptor when it is a terminal, else -1
	prompted bool // a prompt has been shown
	buf      []byte
	// buf[start:end] is read but not yet taken; lf is the index in buf
	// of the first LF in it, or -1.
	start, end, lf int
	readErr        error // what a read returned with or instead of bytes, not yet passed on
	number         int   // lines read so far, empty ones too
	err            error // sticky, so that a terminal is not read again after ^D

	// Rejected counts the lines refused: the publisher's exit status is
	// then 1.
	Rejected int
}

// NewReader reads lines from in. When in is a terminal, prompt is shown on
// standard output before each line a person is about to type.
func NewReader(in io.Reader, prompt string) *Reader {
	r := &Reader{in: in, prompt: prompt, buf: make([]byte, framing.ReadChunk), lf: -1, terminal: -1}
	if f, ok := in.(*os.File); ok && fifo.IsTerminal(int(f.Fd())) {
		r.terminal = int(f.Fd())
	}
	return r
}

// Next returns the next message to send: a line without its LF and one CR
// before it, not empty, and short enough for a frame. A line too long, or
// ending in CR, is reported and counted in Rejected. Before a read that
// may wait, it sends pipe's batch and, at a terminal, prompts. At the end
// of the input it returns io.EOF; a read error comes as "standard input:
// TEXT". The message is valid until the next call.
func (r *Reader) Next(pipe Sender) ([]byte, error) {
	for {
		if r.err == nil && r.lf < 0 {
			if err := pipe.Send(); err != nil {
				return nil, err
			}
			if err := r.promptIfDue(); err != nil {
				return nil, err
			}
		}
		line, err := r.nextLine()
		if err != nil {
			return nil, r.atEnd(err)
		}
		send, err := framing.Check(line)
		if err != nil {
			report.Printf("%v", err)
			r.Rejected++
		}
		if send {
			return line.Message, nil
		}
	}
}

// promptIfDue shows the prompt to a person about to type a new line: not
// in the middle of one, and not when a typed line is already waiting (so
// that prompts never pile up for lines typed while the publisher waited).
func (r *Reader) promptIfDue() error {
	if r.terminal < 0 || r.start != r.end || fifo.InputWaiting(r.terminal) {
		return nil
	}
	r.prompted = true
	return standardOutput(io.WriteString(os.Stdout, r.prompt))
}

// atEnd is for the end of the input. After Ctrl-D at a prompt, a newline
// lets the shell's prompt start on a line of its own.
func (r *Reader) atEnd(err error) error {
	if err != io.EOF {
		return errors.New("standard input: " + report.ErrText(err))
	}
	if r.terminal >= 0 && r.prompted {
		r.prompted = false
		if err := standardOutput(io.WriteString(os.Stdout, "\n")); err != nil {
			return err
		}
	}
	return io.EOF
}

func standardOutput(_ int, err error) error {
	if err != nil {
		return errors.New("standard output: " + report.ErrText(err))
	}
	return nil
}

// nextLine returns the next line, or io.EOF, or the error that reading
// met. An unterminated last line is still a line.
func (r *Reader) nextLine() (framing.Line, error) {
	if r.err != nil {
		return framing.Line{}, r.err
	}
	data, err := r.readSlice()
	if err == errBufferFull {
		return r.skipLongLine(data)
	}
	if err != nil {
		r.err = err
		// Bytes cut short by a read error are not a line anyone wrote;
		// only end of file turns a fragment into a line.
		if err != io.EOF || len(data) == 0 {
			return framing.Line{}, err
		}
	}
	r.number++
	message := trimLineEnd(data)
	return framing.Line{Number: r.number, Message: message, Length: len(message)}, nil
}

// skipLongLine consumes the rest of a line that does not even fit the read
// buffer, counting its bytes without keeping them: it is far over the
// limit already, so memory stays bounded.
func (r *Reader) skipLongLine(piece []byte) (framing.Line, error) {
	r.number++
	length := len(piece)
	last := piece[len(piece)-1]
	for {
		data, err := r.readSlice()
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
			r.err = err
		}
		return framing.Line{Number: r.number, Length: length}, nil
	}
}

// trimLineEnd removes the LF and one CR before it. A last line without LF
// loses its one CR too, as a subscriber would do with such a fragment.
func trimLineEnd(data []byte) []byte {
	if n := len(data); n > 0 && data[n-1] == '\n' {
		data = data[:n-1]
	}
	if n := len(data); n > 0 && data[n-1] == '\r' {
		data = data[:n-1]
	}
	return data
}
