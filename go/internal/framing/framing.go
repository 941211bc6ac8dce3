// Package framing is the wire format of shared/PROTOCOL.md, section 2: a
// frame is a message and one LF. The subscriber cuts what it reads from
// the pipe into frames (Decoder); the publisher checks each line (Check)
// and gathers frames for one write each (Batch).
package framing

const (
	// MessageMax is the longest message a frame can carry. With its LF it
	// is FrameMax.
	MessageMax = 4095

	// FrameMax is the longest frame, and the most one batch holds: it is
	// PIPE_BUF on Linux, the most a single write to a pipe can carry
	// without being interleaved with another writer's bytes.
	FrameMax = MessageMax + 1

	// ReadChunk is how much one read of standard input or of the pipe asks
	// for: big reads keep a backlog cheap.
	ReadChunk = 64 * 1024
)

// Next is what the subscriber does after a message: go on, or stop.
type Next int

const (
	GoOn Next = iota
	Stop
)

// IsExit reports whether message asks the subscriber to stop: exactly the
// four bytes "exit".
func IsExit(message []byte) bool {
	return string(message) == "exit"
}
