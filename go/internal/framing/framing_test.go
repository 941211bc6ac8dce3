package framing

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"fifo-pubsub/go/internal/testvectors"
)

// Every vector decoded whole, byte by byte, in pieces of many sizes and cut
// in two at every point (at many points for the big ones), with and without
// --raw.
func TestDecoderVectors(t *testing.T) {
	for _, v := range testvectors.Load(t) {
		b, wantErr := v.Pipe, ""
		if v.Raw() {
			b, wantErr = v.In, fill(v.Err) // a stdin case's .err is the publisher's
		}
		splits := map[string][][]byte{
			"whole":     {b},
			"byte":      splitEvery(b, 1),
			"3":         splitEvery(b, 3),
			"4095":      splitEvery(b, 4095),
			"4096":      splitEvery(b, 4096),
			"4097":      splitEvery(b, 4097),
			"empty-fed": {nil, b, nil},
		}
		step := 1
		if len(b) > 300 {
			step = len(b)/150 + 1
		}
		for cut := 0; cut <= len(b); cut += step {
			splits[fmt.Sprintf("cut-%d", cut)] = splitAt(b, cut)
		}
		for name, chunks := range splits {
			for _, raw := range []bool{false, true} {
				want := v.Out
				if raw {
					want = v.OutRaw
				}
				stdout, stderr := subscribe(t, chunks, raw)
				if stdout != string(want) || stderr != wantErr {
					t.Errorf("%s/%s raw=%v:\nstdout ...%q\n  want ...%q\nstderr %q\n  want %q",
						v.Name, name, raw, testvectors.Tail([]byte(stdout)), testvectors.Tail(want), stderr, wantErr)
				}
			}
		}
	}
}

// decoded collects, in order, the messages Next returns and the frames it
// reports as discarded ("discard N").
type decoded struct {
	t   *testing.T
	d   *Decoder
	got []string
}

func newDecoded(t *testing.T) *decoded {
	c := &decoded{t: t, d: NewDecoder(testPipe, nil)}
	catchReports(t, &c.got, func(line string) string {
		var n int
		want := "go-test: " + testPipe + ": discarded a frame of %d bytes, over the 4095-byte limit\n"
		if _, err := fmt.Sscanf(line, want, &n); err != nil {
			t.Fatalf("report %q is not a discarded frame's", line)
		}
		return fmt.Sprintf("discard %d", n)
	})
	return c
}

func (c *decoded) take() {
	for m, ok := c.d.Next(); ok; m, ok = c.d.Next() {
		c.got = append(c.got, string(m))
	}
}

func TestDecoderLimits(t *testing.T) {
	x := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name, in string
		out      []string // messages, or "discard N"
	}{
		{"crlf", "a\r\nb\r\r\n\r\nc\rd\n", []string{"a", "b\r", "c\rd"}},
		{"max", x(4095) + "\n", []string{x(4095)}},
		{"max-crlf", x(4095) + "\r\n", []string{x(4095)}},
		{"over", x(4096) + "\n", []string{"discard 4096"}},
		{"over-crlf", x(4096) + "\r\n", []string{"discard 4096"}},
		{"max-cr-cr", x(4094) + "\r\r\n", []string{x(4094) + "\r"}},
		{"over-cr-cr", x(4095) + "\r\r\n", []string{"discard 4096"}},
		{"big", "a\n" + x(100000) + "\r\nb\n", []string{"a", "discard 100000", "b"}},
		{"fragment", "a\nbc", []string{"a", "bc"}},
		{"fragment-cr", "a\nbc\r", []string{"a", "bc"}},
		{"overlong-fragment", x(5000), []string{"discard 5000"}},
		{"empty", "\n\r\n\n", nil},
	}
	for _, tt := range tests {
		for _, size := range []int{1, 2, 7, 4096, 4097, 1 << 20} {
			c := newDecoded(t)
			for _, chunk := range splitEvery([]byte(tt.in), size) {
				c.d.Feed(chunk)
				c.take()
			}
			c.d.Finish()
			c.take()
			if strings.Join(c.got, "|") != strings.Join(tt.out, "|") || len(c.got) != len(tt.out) {
				t.Errorf("%s in pieces of %d: got %.80q, want %.80q", tt.name, size, c.got, tt.out)
			}
		}
	}
}

// Finish on a decoder with nothing held delivers nothing, and the decoder
// is ready for the next publisher.
func TestDecoderFinishReuse(t *testing.T) {
	var d Decoder
	d.Finish()
	if m, ok := d.Next(); ok {
		t.Fatalf("Finish on an empty decoder gave %q", m)
	}
	d.Feed([]byte("one\ntw"))
	if m, ok := d.Next(); !ok || string(m) != "one" {
		t.Fatalf("got %q, %v", m, ok)
	}
	if _, ok := d.Next(); ok {
		t.Fatal("an incomplete frame was delivered")
	}
	d.Finish()
	if m, ok := d.Next(); !ok || string(m) != "tw" {
		t.Fatalf("fragment: got %q, %v", m, ok)
	}
	d.Feed([]byte("three\n"))
	if m, ok := d.Next(); !ok || string(m) != "three" {
		t.Fatalf("after Finish: got %q, %v", m, ok)
	}
}

// MidFrame tells whether a frame is begun; FeedLast takes the last bytes
// and the end of the input at once, as the subscriber's last pass after a
// stop signal does: the frame begun is completed, or ended where the bytes
// end.
func TestDecoderMidFrameAndFeedLast(t *testing.T) {
	long := strings.Repeat("x", MessageMax+2)
	tests := []struct {
		name, before string // fed first, and its frames taken
		midFrame     bool
		last         string // then given to FeedLast
		want         []string
	}{
		{"completed by its LF", "one\nth", true, "ree\n", []string{"one", "three"}},
		{"completed by CR LF", "th", true, "ree\r\n", []string{"three"}},
		{"cut by its writer", "one\nth", true, "re", []string{"one", "thre"}},
		{"nothing more came", "th", true, "", []string{"th"}},
		{"a fragment ending in CR", "th", true, "ree\r", []string{"three"}},
		{"overlong, cut at the limit", "x", true, long, []string{"discard 4098"}},
		{"no frame begun", "one\n", false, "", []string{"one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newDecoded(t)
			c.d.Feed([]byte(tt.before))
			c.take()
			if c.d.MidFrame() != tt.midFrame {
				t.Errorf("MidFrame() = %v, want %v", c.d.MidFrame(), tt.midFrame)
			}
			c.d.FeedLast([]byte(tt.last))
			c.take()
			if strings.Join(c.got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("frames %q, want %q", c.got, tt.want)
			}
			if c.d.MidFrame() {
				t.Error("MidFrame() after the end of the input")
			}
		})
	}
}

// flushRecorder is standard output for the decoder: it records when it
// was flushed, among the report lines.
type flushRecorder struct{ events *[]string }

func (f flushRecorder) Flush() error {
	*f.events = append(*f.events, "flush")
	return nil
}

// Standard output is flushed before a discarded frame is reported, so the
// messages before it show first.
func TestDecoderFlushesBeforeReporting(t *testing.T) {
	var events []string
	catchReports(t, &events, func(string) string { return "report" })
	d := NewDecoder(testPipe, flushRecorder{&events})
	d.Feed([]byte("a\n" + strings.Repeat("x", 5000) + "\nb\n"))
	for m, ok := d.Next(); ok; m, ok = d.Next() {
		events = append(events, string(m))
	}
	if got := strings.Join(events, " "); got != "a flush report b" {
		t.Errorf("events %q, want %q", got, "a flush report b")
	}
}

func TestBatchFitsAndReset(t *testing.T) {
	b := NewBatch()
	if !b.Empty() || !b.Fits(make([]byte, MessageMax)) || b.Fits(make([]byte, MessageMax+1)) {
		t.Fatal("an empty batch must take exactly one frame of up to FrameMax bytes")
	}
	b.Add([]byte("hi"))
	if string(b.Bytes()) != "hi\n" || b.Empty() || b.Fits(make([]byte, MessageMax-2)) || !b.Fits(make([]byte, MessageMax-3)) {
		t.Fatalf("batch %q: wrong size accounting", b.Bytes())
	}
	b.Reset()
	if !b.Empty() || len(b.Bytes()) != 0 {
		t.Fatal("Reset left bytes in the batch")
	}
}

func TestCheck(t *testing.T) {
	x := func(n int) []byte { return bytes.Repeat([]byte("z"), n) }
	tests := []struct {
		line Line
		send bool
		err  string
	}{
		{Line{1, []byte("abc"), 3}, true, ""},
		{Line{1, []byte("a\rb"), 3}, true, ""},
		{Line{2, nil, 0}, false, ""},
		{Line{3, []byte("abc\r"), 4}, false, "line 3: message ends with a carriage return, which a frame cannot carry; not sent"},
		{Line{4, x(4095), 4095}, true, ""},
		{Line{5, x(4096), 4096}, false, "line 5: message of 4096 bytes is over the 4095-byte limit; not sent"},
		{Line{6, nil, 70000}, false, "line 6: message of 70000 bytes is over the 4095-byte limit; not sent"},
		{Line{7, append(x(4095), '\r'), 4096}, false, "line 7: message of 4096 bytes is over the 4095-byte limit; not sent"},
	}
	for _, tt := range tests {
		send, err := Check(tt.line)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if send != tt.send || got != tt.err {
			t.Errorf("Check(line %d, %d bytes) = %v, %q; want %v, %q", tt.line.Number, tt.line.Length, send, got, tt.send, tt.err)
		}
	}
}

func TestIsExit(t *testing.T) {
	for _, tt := range []struct {
		message string
		exit    bool
	}{{"exit", true}, {"Exit", false}, {" exit", false}, {"exit ", false}, {"exits", false}, {"", false}} {
		if IsExit([]byte(tt.message)) != tt.exit {
			t.Errorf("IsExit(%q) = %v", tt.message, !tt.exit)
		}
	}
}
