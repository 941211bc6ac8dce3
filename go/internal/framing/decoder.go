package framing

import (
	"bytes"

	"fifo-pubsub/go/internal/report"
)

// Flusher is the subscriber's standard output, written out before an
// error line so that the messages printed before it show first.
type Flusher interface {
	Flush() error
}

// Decoder cuts the bytes read from the pipe into frames. One read may bring
// many frames or part of one, so bytes are cut at each LF, never taken a
// read at a time. A frame's bytes are copied only when it spans two reads,
// and at most FrameMax of them are held: a longer one is counted, not kept.
type Decoder struct {
	path       string  // the pipe, for the error line about a discarded frame
	out        Flusher // may be nil
	chunk      []byte  // what is left of the bytes given to Feed
	pending    []byte  // the start of a frame whose LF has not come yet
	discarding bool    // the pending frame is over the limit: count, do not keep
	discarded  int
	lastWasCR  bool // the last byte counted while discarding was a CR
}

// NewDecoder returns a decoder for the frames read from the pipe at path;
// out is flushed before a discarded frame is reported.
func NewDecoder(path string, out Flusher) *Decoder {
	return &Decoder{path: path, out: out}
}

// Feed gives the decoder the next bytes read from the pipe; Next then
// returns the messages in them. The decoder uses chunk until Next returns
// false, so the caller must not change it before.
func (d *Decoder) Feed(chunk []byte) {
	d.chunk = chunk
}

// Finish is called at end of file: an unterminated fragment held from
// earlier reads becomes a frame of its own, which the next Next returns.
func (d *Decoder) Finish() {
	if d.MidFrame() {
		d.chunk = []byte{'\n'}
	}
}

// FeedLast gives the decoder the last bytes it will get before the end,
// as Feed followed by Finish would if Finish could wait for Next: after a
// stop signal, the rest of a frame begun (PROTOCOL.md 4.8).
func (d *Decoder) FeedLast(data []byte) {
	// An LF after the bytes ends a fragment, as Finish does; after bytes
	// that end in LF it only makes an empty frame, which is skipped.
	d.Feed(append(data[:len(data):len(data)], '\n'))
}

// MidFrame reports whether the decoder holds the start of a frame whose LF
// has not come yet (asked once Next has returned false).
func (d *Decoder) MidFrame() bool {
	return len(d.pending) > 0 || d.discarding
}

// Next returns the next message, or false when the bytes fed so far hold
// no more complete frame (an incomplete one is kept for the next Feed).
// Empty frames are skipped; a frame over MessageMax is reported on
// standard error, with the number of bytes discarded, and skipped. The
// message is valid until the next call to Next or Feed.
func (d *Decoder) Next() ([]byte, bool) {
	for len(d.chunk) > 0 {
		lf := bytes.IndexByte(d.chunk, '\n')
		if lf < 0 {
			d.hold(d.chunk)
			d.chunk = nil
			return nil, false
		}
		body := d.chunk[:lf]
		d.chunk = d.chunk[lf+1:]
		if d.MidFrame() {
			d.hold(body)
			body = d.pending
			d.pending = d.pending[:0]
		}
		if message, ok := d.message(body); ok {
			return message, true
		}
	}
	return nil, false
}

// message turns the bytes before an LF into a message, removing one CR;
// false for an empty frame or one over the limit (reported).
func (d *Decoder) message(body []byte) ([]byte, bool) {
	if d.discarding {
		n := d.discarded
		if d.lastWasCR {
			n-- // the CR before the LF is not part of the message
		}
		d.discarding, d.discarded, d.lastWasCR = false, 0, false
		d.reportDiscarded(n)
		return nil, false
	}
	if n := len(body); n > 0 && body[n-1] == '\r' {
		body = body[:n-1]
	}
	if len(body) > MessageMax {
		d.reportDiscarded(len(body))
		return nil, false
	}
	return body, len(body) > 0
}

func (d *Decoder) reportDiscarded(n int) {
	if d.out != nil {
		_ = d.out.Flush() // an output error is the output's to report
	}
	report.Printf("%s: discarded a frame of %d bytes, over the %d-byte limit", d.path, n, MessageMax)
}

// hold keeps the bytes of a frame whose LF has not come yet. FrameMax
// bytes is a whole message and its CR; past that the frame can only be
// discarded, and its bytes are counted instead of kept.
func (d *Decoder) hold(data []byte) {
	if !d.discarding && len(d.pending)+len(data) <= FrameMax {
		if d.pending == nil {
			d.pending = make([]byte, 0, FrameMax)
		}
		d.pending = append(d.pending, data...)
		return
	}
	if !d.discarding {
		d.discarding = true
		d.discarded = len(d.pending)
		d.pending = d.pending[:0]
	}
	if len(data) > 0 {
		d.discarded += len(data)
		d.lastWasCR = data[len(data)-1] == '\r'
	}
}
