package framing

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
)

// readers feed the same input to the publisher's steps in different
// chunkings: the frames in the pipe must not depend on how input arrives.
var readers = []struct {
	name string
	make func([]byte) io.Reader
}{
	{"whole", func(b []byte) io.Reader { return bytes.NewReader(b) }},
	{"one-byte", func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }},
	{"half", func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }},
	{"4097", func(b []byte) io.Reader { return &chunkReader{b, 4097} }},
	{"lines", func(b []byte) io.Reader { return &lineAtATime{b} }},
}

func TestPublisherVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.raw() {
			continue // raw cases are for subscribers only
		}
		for _, r := range readers {
			t.Run(v.name+"/"+r.name, func(t *testing.T) {
				writes, stderr, status := publish(r.make(v.in))
				if got := joinWrites(t, writes); !bytes.Equal(got, v.pipe) {
					t.Errorf("pipe bytes differ from %s.pipe:\n got ...%q\nwant ...%q", v.name, tail(got), tail(v.pipe))
				}
				wantStatus := 0
				if v.errText != "" {
					wantStatus = 1
				}
				if stderr != v.errText || status != wantStatus {
					t.Errorf("stderr %q, status %d; want %q, %d", stderr, status, v.errText, wantStatus)
				}
			})
		}
	}
}

// Every vector decoded whole, byte by byte, in pieces of many sizes and cut
// in two at every point (at many points for the big ones), with and without
// --raw.
func TestDecoderVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		b := v.pipeBytes()
		wantErr := ""
		if v.raw() {
			wantErr = v.errText // a stdin case's .err is the publisher's
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
				want := v.out
				if raw {
					want = v.outRaw
				}
				stdout, stderr := subscribe(chunks, raw)
				if stdout != string(want) || stderr != wantErr {
					t.Errorf("%s/%s raw=%v:\nstdout ...%q\n  want ...%q\nstderr %q\n  want %q",
						v.name, name, raw, tail([]byte(stdout)), tail(want), stderr, wantErr)
				}
			}
		}
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
			var got []string
			var d Decoder
			collect := func() {
				for f, ok := d.Next(); ok; f, ok = d.Next() {
					if f.Discarded > 0 {
						got = append(got, fmt.Sprintf("discard %d", f.Discarded))
					} else {
						got = append(got, string(f.Message))
					}
				}
			}
			for _, c := range splitEvery([]byte(tt.in), size) {
				d.Feed(c)
				collect()
			}
			d.Finish()
			collect()
			if strings.Join(got, "|") != strings.Join(tt.out, "|") || len(got) != len(tt.out) {
				t.Errorf("%s in pieces of %d: got %.80q, want %.80q", tt.name, size, got, tt.out)
			}
		}
	}
}

// Finish on a decoder with nothing held delivers nothing, and the decoder
// is ready for the next publisher.
func TestDecoderFinishReuse(t *testing.T) {
	var d Decoder
	d.Finish()
	if f, ok := d.Next(); ok {
		t.Fatalf("Finish on an empty decoder gave %+v", f)
	}
	d.Feed([]byte("one\ntw"))
	if f, ok := d.Next(); !ok || string(f.Message) != "one" {
		t.Fatalf("got %q, %v", f.Message, ok)
	}
	if _, ok := d.Next(); ok {
		t.Fatal("an incomplete frame was delivered")
	}
	d.Finish()
	if f, ok := d.Next(); !ok || string(f.Message) != "tw" {
		t.Fatalf("fragment: got %q, %v", f.Message, ok)
	}
	d.Feed([]byte("three\n"))
	if f, ok := d.Next(); !ok || string(f.Message) != "three" {
		t.Fatalf("after Finish: got %q, %v", f.Message, ok)
	}
}

// MidFrame tells whether a frame is begun; Add takes the last bytes and the
// end of the input at once, as the subscriber's last pass after a stop
// signal does: the frame begun is completed, or ended where the bytes end.
func TestDecoderMidFrameAndAdd(t *testing.T) {
	long := strings.Repeat("x", MessageMax+2)
	tests := []struct {
		name, before string // fed first, and its frames taken
		midFrame     bool
		last         string // then given to Add with atEOF
		want         []string
	}{
		{"completed by its LF", "one\nth", true, "ree\n", []string{"one", "three"}},
		{"completed by CR LF", "th", true, "ree\r\n", []string{"three"}},
		{"cut by its writer", "one\nth", true, "re", []string{"one", "thre"}},
		{"nothing more came", "th", true, "", []string{"th"}},
		{"a fragment ending in CR", "th", true, "ree\r", []string{"three"}},
		{"overlong, cut at the limit", "x", true, long, []string{"discarded 4098"}},
		{"no frame begun", "one\n", false, "", []string{"one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			var got []string
			take := func() {
				for f, ok := d.Next(); ok; f, ok = d.Next() {
					if f.Discarded > 0 {
						got = append(got, fmt.Sprintf("discarded %d", f.Discarded))
					} else {
						got = append(got, string(f.Message))
					}
				}
			}
			d.Add([]byte(tt.before), false)
			take()
			if d.MidFrame() != tt.midFrame {
				t.Errorf("MidFrame() = %v, want %v", d.MidFrame(), tt.midFrame)
			}
			d.Add([]byte(tt.last), true)
			take()
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("frames %q, want %q", got, tt.want)
			}
			if d.MidFrame() {
				t.Error("MidFrame() after the end of the input")
			}
		})
	}
}

// The batch boundary: frames totalling 4096 bytes share one write; one
// byte more and they go as two.
func TestBatchBoundary(t *testing.T) {
	tests := []struct {
		second int // length of the second message; the first frame is "ab\n"
		writes []int
	}{
		{4092, []int{4096}},    // 3 + 4093
		{4093, []int{3, 4094}}, // 3 + 4094 = 4097: two writes
		{4095, []int{3, 4096}},
	}
	for _, tt := range tests {
		in := "ab\n" + strings.Repeat("m", tt.second) + "\n"
		writes, _, _ := publish(strings.NewReader(in))
		var sizes []int
		for _, w := range writes {
			sizes = append(sizes, len(w))
		}
		if fmt.Sprint(sizes) != fmt.Sprint(tt.writes) {
			t.Errorf("3-byte frame then %d-byte frame: writes of %v bytes, want %v", tt.second+1, sizes, tt.writes)
		}
		if got := string(joinWrites(t, writes)); got != in {
			t.Errorf("pipe bytes differ from the input")
		}
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

// Piped input goes out in few, full writes; typed input one line a write.
func TestBatchingFollowsInput(t *testing.T) {
	in := mustRead(t, "../../../shared/vectors/many_messages.in")
	writes, _, _ := publish(bytes.NewReader(in))
	if min := len(in)/FrameMax + 1; len(writes) > min+len(in)/ReadChunk+1 {
		t.Errorf("%d bytes took %d writes; expected about %d", len(in), len(writes), min)
	}
	writes, _, _ = publish(&lineAtATime{[]byte("a\nb\n\nc\n")})
	if fmt.Sprintf("%q", writes) != `["a\n" "b\n" "c\n"]` {
		t.Errorf("typed lines written as %q, want one each", writes)
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

// Lines longer than the read buffer are counted piece by piece; the count
// must come out the same as for short ones, CR or no CR.
func TestOverlongLines(t *testing.T) {
	long := strings.Repeat("x", 3*ReadChunk+5)
	tests := []struct {
		name, in, pipe string
		line, size     int
	}{
		{"lf", "a\n" + long + "\nb\n", "a\nb\n", 2, len(long)},
		{"crlf", "a\n" + long + "\r\nb\n", "a\nb\n", 2, len(long)},
		{"cr-at-buffer-end", strings.Repeat("y", ReadChunk-1) + "\r\nb\n", "b\n", 1, ReadChunk - 1},
		{"exact-buffer", strings.Repeat("y", ReadChunk) + "\nb\n", "b\n", 1, ReadChunk},
		{"unterminated", "a\n" + long, "a\n", 2, len(long)},
		{"unterminated-cr", "a\n" + long + "\r", "a\n", 2, len(long)},
	}
	for _, tt := range tests {
		for _, r := range readers {
			writes, stderr, status := publish(r.make([]byte(tt.in)))
			if got := string(joinWrites(t, writes)); got != tt.pipe {
				t.Errorf("%s/%s: pipe %q, want %q", tt.name, r.name, got, tt.pipe)
			}
			want := fmt.Sprintf("%s: line %d: message of %d bytes is over the 4095-byte limit; not sent\n", testProg, tt.line, tt.size)
			if stderr != want || status != 1 {
				t.Errorf("%s/%s: status %d, stderr %q; want 1, %q", tt.name, r.name, status, stderr, want)
			}
		}
	}
}

// Lines read before standard input failed are still sent; the fragment
// cut short by the error is not a line.
func TestLineReaderError(t *testing.T) {
	in := io.MultiReader(strings.NewReader("a\nb\npartial"), iotest.ErrReader(syscall.EIO))
	writes, stderr, status := publish(in)
	if got := string(joinWrites(t, writes)); got != "a\nb\n" {
		t.Errorf("pipe %q, want %q", got, "a\nb\n")
	}
	if want := testProg + ": standard input: input/output error\n"; stderr != want || status != 1 {
		t.Errorf("status %d, stderr %q; want 1, %q", status, stderr, want)
	}
}

// The publisher prompts only at the start of a line it is about to wait
// for: AtLineStart and NeedsRead as a terminal feeds lines.
func TestLineReaderState(t *testing.T) {
	lr := NewLineReader(&lineAtATime{[]byte("one\ntwo")})
	if !lr.AtLineStart() || !lr.NeedsRead() {
		t.Fatal("a fresh reader must be at a line start and need a read")
	}
	if l, err := lr.Next(); err != nil || string(l.Message) != "one" || l.Number != 1 {
		t.Fatalf("got %+v, %v", l, err)
	}
	if !lr.AtLineStart() || !lr.NeedsRead() {
		t.Fatal("after a whole line read alone, the next one is not started")
	}
	if l, err := lr.Next(); err != nil || string(l.Message) != "two" || l.Number != 2 {
		t.Fatalf("got %+v, %v", l, err)
	}
	if _, err := lr.Next(); err != io.EOF {
		t.Fatalf("got %v, want EOF", err)
	}
	if lr.AtLineStart() || lr.NeedsRead() {
		t.Fatal("after end of input nothing more may be read, nor prompted for")
	}

	lr = NewLineReader(strings.NewReader("a\nb\nc"))
	if _, err := lr.Next(); err != nil {
		t.Fatal(err)
	}
	if lr.AtLineStart() || lr.NeedsRead() {
		t.Fatal("with b buffered, the reader is mid-input and needs no read")
	}
	lr.Next()
	if lr.AtLineStart() || !lr.NeedsRead() {
		t.Fatal("with the fragment c buffered: mid-line, and a read is needed")
	}
}
