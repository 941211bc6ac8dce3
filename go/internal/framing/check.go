package framing

import "fmt"

// Line is one line of the publisher's standard input, stripped of its LF
// and of one CR before the LF.
type Line struct {
	Number  int    // counts every line of input from 1, empty ones too
	Message []byte // nil when the line was too long to hold
	Length  int    // length of the message, even when it was not held
}

// Check decides what the publisher does with a line: send it, skip it
// silently (an empty line), or refuse it with an error that gives the
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
