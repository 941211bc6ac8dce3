package framing

// Batch gathers whole frames for a single write(2) of at most FrameMax
// bytes. A write that size to a pipe is atomic, so a frame is never split
// and never mixed with another publisher's frames.
type Batch struct {
	buf []byte
}

// NewBatch returns an empty batch.
func NewBatch() *Batch {
	return &Batch{buf: make([]byte, 0, FrameMax)}
}

// Fits reports whether the frame for message still fits in the batch.
func (b *Batch) Fits(message []byte) bool {
	return len(b.buf)+len(message)+1 <= FrameMax
}

// Add appends message as a frame: the message and one LF. The caller
// checks Fits first.
func (b *Batch) Add(message []byte) {
	b.buf = append(b.buf, message...)
	b.buf = append(b.buf, '\n')
}

// Bytes is the batch as it goes into the pipe.
func (b *Batch) Bytes() []byte { return b.buf }

// Empty reports whether the batch holds no frame.
func (b *Batch) Empty() bool { return len(b.buf) == 0 }

// Reset empties the batch once it has been written.
func (b *Batch) Reset() { b.buf = b.buf[:0] }
