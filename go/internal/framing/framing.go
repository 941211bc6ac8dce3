// Package framing is the wire format of shared/PROTOCOL.md, section 2: a
// frame is a message and one LF. On the publisher's side it cuts standard
// input into lines (LineReader), checks them (Check) and gathers frames
// into batches for one write each (Batch); on the subscriber's side it
// cuts what is read from the pipe into frames (Decoder).
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

// IsExit reports whether message asks the subscriber to stop: exactly the
// four bytes "exit".
func IsExit(message []byte) bool {
	return string(message) == "exit"
}
