package lines

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/testvectors"
)

func TestPublisherVectors(t *testing.T) {
	for _, v := range publisherVectors(t) {
		for _, r := range readers {
			t.Run(v.Name+"/"+r.name, func(t *testing.T) {
				writes, stderr, status := publish(t, r.make(v.In))
				if got := joinWrites(t, writes); !bytes.Equal(got, v.Pipe) {
					t.Errorf("pipe bytes differ from %s.pipe:\n got ...%q\nwant ...%q", v.Name, testvectors.Tail(got), testvectors.Tail(v.Pipe))
				}
				wantStatus := 0
				if v.Err != "" {
					wantStatus = 1
				}
				if stderr != v.Err || status != wantStatus {
					t.Errorf("stderr %q, status %d; want %q, %d", stderr, status, v.Err, wantStatus)
				}
			})
		}
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
		writes, _, _ := publish(t, strings.NewReader(in))
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

// Piped input goes out in few, full writes; typed input one line a write,
// since the batch is sent before every read that may wait.
func TestBatchingFollowsInput(t *testing.T) {
	in := testvectors.MustRead(t, testvectors.Dir+"/many_messages.in")
	writes, _, _ := publish(t, bytes.NewReader(in))
	if min := len(in)/framing.FrameMax + 1; len(writes) > min+len(in)/framing.ReadChunk+1 {
		t.Errorf("%d bytes took %d writes; expected about %d", len(in), len(writes), min)
	}
	writes, _, _ = publish(t, &lineAtATime{[]byte("a\nb\n\nc\n")})
	if fmt.Sprintf("%q", writes) != `["a\n" "b\n" "c\n"]` {
		t.Errorf("typed lines written as %q, want one each", writes)
	}
}

// Next skips empty lines, refuses (reports and counts) those no frame can
// carry, and gives the others without LF and one CR.
func TestNext(t *testing.T) {
	tests := []struct {
		name, in string
		messages []string
		rejected int
	}{
		{"plain", "a\nbc\n", []string{"a", "bc"}, 0},
		{"unterminated", "a\nbc", []string{"a", "bc"}, 0},
		{"empty lines", "\na\n\r\n\nb\n", []string{"a", "b"}, 0},
		{"crlf", "a\r\nb\r", []string{"a", "b"}, 0},
		{"cr inside", "a\rb\n", []string{"a\rb"}, 0},
		{"ends in cr", "a\r\r\nb\n", []string{"b"}, 1},
		{"too long", strings.Repeat("x", 4096) + "\nb\n" + strings.Repeat("y", 70000) + "\n", []string{"b"}, 2},
		{"longest", strings.Repeat("x", 4095) + "\n", []string{strings.Repeat("x", 4095)}, 0},
		{"exit is a message", "exit\nmore\n", []string{"exit", "more"}, 0},
	}
	var errs strings.Builder
	report.SetProgram(testProg)
	report.SetOutput(&errs)
	defer report.SetOutput(os.Stderr)
	for _, tt := range tests {
		errs.Reset()
		r := NewReader(strings.NewReader(tt.in), "")
		pipe := &fakePipe{batch: framing.NewBatch()}
		var got []string
		for {
			m, err := r.Next(pipe)
			if err != nil {
				if err != io.EOF {
					t.Fatalf("%s: %v", tt.name, err)
				}
				break
			}
			got = append(got, string(m))
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.messages) || r.Rejected != tt.rejected {
			t.Errorf("%s: messages %.60q, %d rejected; want %.60q, %d", tt.name, got, r.Rejected, tt.messages, tt.rejected)
		}
		if strings.Count(errs.String(), "\n") != tt.rejected {
			t.Errorf("%s: %d error lines for %d rejected lines: %q", tt.name, strings.Count(errs.String(), "\n"), tt.rejected, errs.String())
		}
		if _, err := r.Next(pipe); err != io.EOF {
			t.Errorf("%s: after the end, Next = %v, want io.EOF again", tt.name, err)
		}
	}
}

// sendCounter is a pipe that counts its sends, and a reader of standard
// input that records how many sends came before each read.
type sendCounter struct {
	sends int
	in    io.Reader
	seen  []int
}

func (s *sendCounter) Send() error { s.sends++; return nil }
func (s *sendCounter) Read(p []byte) (int, error) {
	s.seen = append(s.seen, s.sends)
	return s.in.Read(p)
}

// The batch is sent before each read of standard input that may wait (no
// whole line buffered), and only then: lines already read are taken
// without a send in between. In the middle of a line ("c", then the end)
// the batch was sent before the read that began the line, and nothing has
// been added since.
func TestSendBeforeRead(t *testing.T) {
	s := &sendCounter{in: &lineAtATime{[]byte("a\nb\nc")}}
	r := NewReader(s, "")
	for _, err := r.Next(s); err == nil; _, err = r.Next(s) {
	}
	if fmt.Sprint(s.seen) != "[1 2 3 3]" {
		t.Errorf("sends before each read: %v, want [1 2 3 3]", s.seen)
	}
	s = &sendCounter{in: strings.NewReader("a\nb\nc\n")}
	r = NewReader(s, "")
	for _, err := r.Next(s); err == nil; _, err = r.Next(s) {
	}
	if fmt.Sprint(s.seen) != "[1 2]" || s.sends != 2 {
		t.Errorf("sends before each read: %v, %d in all; want [1 2], 2", s.seen, s.sends)
	}
}

// Lines read before standard input failed are sent; the fragment cut
// short by the error is not a line; the error names standard input.
func TestReadError(t *testing.T) {
	in := io.MultiReader(strings.NewReader("a\nb\npartial"), iotest.ErrReader(syscall.EIO))
	writes, stderr, status := publish(t, in)
	if got := string(joinWrites(t, writes)); got != "a\nb\n" {
		t.Errorf("pipe %q, want %q", got, "a\nb\n")
	}
	if want := testProg + ": standard input: Input/output error\n"; stderr != want || status != 1 {
		t.Errorf("status %d, stderr %q; want 1, %q", status, stderr, want)
	}
}

// Lines longer than the read buffer are counted piece by piece; the count
// must come out the same as for short ones, CR or no CR.
func TestOverlongLines(t *testing.T) {
	long := strings.Repeat("x", 3*framing.ReadChunk+5)
	tests := []struct {
		name, in, pipe string
		line, size     int
	}{
		{"lf", "a\n" + long + "\nb\n", "a\nb\n", 2, len(long)},
		{"crlf", "a\n" + long + "\r\nb\n", "a\nb\n", 2, len(long)},
		{"cr-at-buffer-end", strings.Repeat("y", framing.ReadChunk-1) + "\r\nb\n", "b\n", 1, framing.ReadChunk - 1},
		{"exact-buffer", strings.Repeat("y", framing.ReadChunk) + "\nb\n", "b\n", 1, framing.ReadChunk},
		{"unterminated", "a\n" + long, "a\n", 2, len(long)},
		{"unterminated-cr", "a\n" + long + "\r", "a\n", 2, len(long)},
	}
	for _, tt := range tests {
		for _, r := range readers {
			writes, stderr, status := publish(t, r.make([]byte(tt.in)))
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
