package framing

import "bytes"

// Frame is what the decoder found in the pipe: a message, or the length of
// an overlong frame it dropped.
type Frame struct {
	Message   []byte // valid until the next call to Feed, Next or Finish
	Discarded int    // > 0: a frame whose message was this many bytes, over MessageMax
}

// Decoder cuts the bytes read from the pipe into frames. One read may bring
// many frames or part of one, so bytes are cut at each LF, never taken a
// read at a time. A frame's bytes are copied only when it spans two reads,
// and at most FrameMax of them are held: a longer one is counted, not kept.
type Decoder struct {
	chunk      []byte // what is left of the bytes given to Feed
	pending    []byte // the start of a frame whose LF has not come yet
	discarding bool   // the pending frame is over the limit: count, do not keep
	discarded  int
	lastWasCR  bool // the last byte counted while discarding was a CR
}

// Feed gives the decoder the next bytes read from the pipe; Next then
// returns the frames in them. The decoder uses chunk until Next returns
// false, so the caller must not change it before.
func (d *Decoder) Feed(chunk []byte) {
	d.chunk = chunk
}

// Finish is called at end of file: an unterminated fragment held from
// earlier reads becomes a frame of its own, which the next Next returns.
func (d *Decoder) Finish() {
	if len(d.pending) > 0 || d.discarding {
		d.chunk = []byte{'\n'}
	}
}

// MidFrame reports whether the decoder holds the start of a frame whose LF
// has not come yet (asked once Next has returned false).
func (d *Decoder) MidFrame() bool {
	return len(d.pending) > 0 || d.discarding
}

// Add gives the decoder what one read of the pipe brought, as Feed does,
// and with atEOF says that nothing more will come after it, as Finish
// does: bytes after the last LF, or held from earlier reads, are then a
// frame too. Unlike Feed followed by Finish, it may take bytes and the end
// at once (the last read after a stop signal, PROTOCOL.md 4.8).
func (d *Decoder) Add(data []byte, atEOF bool) {
	switch {
	case !atEOF:
		d.Feed(data)
	case len(data) == 0:
		d.Finish()
	default:
		// An LF after the last bytes ends a fragment, as Finish does; after
		// bytes that end in LF it only makes an empty frame, which is skipped.
		d.Feed(append(data[:len(data):len(data)], '\n'))
	}
}

// Next returns the next frame, skipping empty ones, or false when the
// bytes fed so far hold no more complete frame (an incomplete one is kept
// for the next Feed).
func (d *Decoder) Next() (Frame, bool) {
	for len(d.chunk) > 0 {
		lf := bytes.IndexByte(d.chunk, '\n')
		if lf < 0 {
			d.hold(d.chunk)
			d.chunk = nil
			return Frame{}, false
		}
		part := d.chunk[:lf]
		d.chunk = d.chunk[lf+1:]
		if len(d.pending) > 0 || d.discarding {
			d.hold(part)
			part = d.pending
			d.pending = d.pending[:0]
		}
		if frame, ok := d.frame(part); ok {
			return frame, true
		}
	}
	return Frame{}, false
}

// frame turns the bytes before an LF into a frame, removing one CR; false
// for an empty frame, which carries nothing.
func (d *Decoder) frame(body []byte) (Frame, bool) {
	if d.discarding {
		n := d.discarded
		if d.lastWasCR {
			n-- // the CR before the LF is not part of the message
		}
		d.discarding, d.discarded, d.lastWasCR = false, 0, false
		return Frame{Discarded: n}, true
	}
	body = bytes.TrimSuffix(body, []byte("\r"))
	switch {
	case len(body) == 0:
		return Frame{}, false
	case len(body) > MessageMax:
		return Frame{Discarded: len(body)}, true
	}
	return Frame{Message: body}, true
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
