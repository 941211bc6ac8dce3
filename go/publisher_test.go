package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
)

// readers feeds the same input to the publisher in different chunkings:
// the frames in the pipe must not depend on how the input arrives.
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

func TestGoldenVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.pipe == nil {
			continue // raw case: for subscribers only
		}
		for _, r := range readers {
			t.Run(v.name+"/"+r.name, func(t *testing.T) {
				pipe := &fakePipe{}
				stderr, status := publishFake(r.make(v.in), nil, pipe)
				checkWrites(t, pipe.writes)
				if got := pipe.bytes(); !bytes.Equal(got, v.pipe) {
					t.Errorf("pipe bytes differ from %s.pipe:\n got %q\nwant %q",
						v.name, tail(got), tail(v.pipe))
				}
				if got := lines(stderr); !reflect.DeepEqual(got, v.errLines) {
					t.Errorf("stderr = %q, want %q", got, v.errLines)
				}
				want := 0
				if v.errLines != nil {
					want = 1
				}
				if status != want {
					t.Errorf("exit status %d, want %d", status, want)
				}
			})
		}
	}
}

// Piped input goes out in few, full writes; typed input one line a write.
func TestBatching(t *testing.T) {
	v := mustRead(t, "../shared/vectors/many_messages.in")
	pipe := &fakePipe{}
	publishFake(bytes.NewReader(v), nil, pipe)
	if min := len(v)/pipeBuf + 1; len(pipe.writes) > min+len(v)/readSize+1 {
		t.Errorf("%d bytes took %d writes; expected about %d", len(v), len(pipe.writes), min)
	}

	pipe = &fakePipe{}
	publishFake(&lineAtATime{[]byte("a\nb\n\nc\n")}, nil, pipe)
	want := [][]byte{[]byte("a\n"), []byte("b\n"), []byte("c\n")}
	if !reflect.DeepEqual(pipe.writes, want) {
		t.Errorf("typed lines written as %q, want %q", pipe.writes, want)
	}
}

func TestPrompt(t *testing.T) {
	tests := []struct {
		in      string
		prompts int
	}{
		{"", 1},
		{"a\n", 2},
		{"a\n\nb\n", 4},
		{"a\nexit\nb\n", 2}, // no prompt after exit
		{"a\nb", 2},         // the unterminated line gets one prompt
	}
	for _, tt := range tests {
		var out bytes.Buffer
		publishFake(&lineAtATime{[]byte(tt.in)}, &out, &fakePipe{})
		if want := strings.Repeat(prompt, tt.prompts); out.String() != want {
			t.Errorf("input %q: prompts %q, want %q", tt.in, out.String(), want)
		}
	}
}

// A subscriber that goes away makes one write fail with EPIPE: the same
// batch must be written again, once, after a reopen.
func TestBrokenPipeResendsBatch(t *testing.T) {
	in := mustRead(t, "../shared/vectors/many_messages.in")
	for _, failAt := range []int{1, 2, 17} {
		t.Run(fmt.Sprint(failAt), func(t *testing.T) {
			pipe := &fakePipe{failAt: map[int]bool{failAt: true}}
			stderr, status := publishFake(bytes.NewReader(in), nil, pipe)
			if status != 0 {
				t.Errorf("exit status %d, want 0", status)
			}
			checkWrites(t, pipe.writes)
			if !bytes.Equal(pipe.bytes(), in) {
				t.Errorf("pipe bytes lost or duplicated after EPIPE")
			}
			if pipe.reopens != 1 || len(pipe.failed) != 1 {
				t.Fatalf("reopens %d, failed writes %d; want 1 and 1", pipe.reopens, len(pipe.failed))
			}
			if !bytes.Equal(pipe.writes[failAt-1], pipe.failed[0]) {
				t.Errorf("the write after the reopen is not the batch that failed")
			}
			want := []string{progName + ": " + testPipePath + ": subscriber went away (broken pipe)"}
			if got := lines(stderr); !reflect.DeepEqual(got, want) {
				t.Errorf("stderr %q, want %q", got, want)
			}
		})
	}
}

func TestReopenFailure(t *testing.T) {
	pipe := &fakePipe{
		failAt:    map[int]bool{1: true},
		reopenErr: &pathError{testPipePath, "exists and is not a named pipe"},
	}
	stderr, status := publishFake(strings.NewReader("a\nb\n"), nil, pipe)
	want := []string{
		"go-publisher: /tmp/test-pipe: subscriber went away (broken pipe)",
		"go-publisher: /tmp/test-pipe: exists and is not a named pipe",
	}
	if status != 1 || !reflect.DeepEqual(lines(stderr), want) {
		t.Errorf("status %d, stderr %q; want 1, %q", status, lines(stderr), want)
	}
}

type errPipe struct{ err error }

func (p errPipe) Write([]byte) (int, error) { return 0, p.err }
func (p errPipe) Reopen() error             { return nil }

func TestWriteError(t *testing.T) {
	stderr, status := publishFake(strings.NewReader("a\n"), nil, errPipe{syscall.ENOSPC})
	want := "go-publisher: /tmp/test-pipe: No space left on device\n"
	if status != 1 || stderr != want {
		t.Errorf("status %d, stderr %q; want 1, %q", status, stderr, want)
	}
}

// Lines read before standard input failed are still sent.
func TestStdinError(t *testing.T) {
	in := io.MultiReader(strings.NewReader("a\nb\npartial"), iotest.ErrReader(syscall.EIO))
	pipe := &fakePipe{}
	stderr, status := publishFake(in, nil, pipe)
	if got := string(pipe.bytes()); got != "a\nb\n" {
		t.Errorf("pipe %q, want %q", got, "a\nb\n")
	}
	want := "go-publisher: standard input: Input/output error\n"
	if status != 1 || stderr != want {
		t.Errorf("status %d, stderr %q; want 1, %q", status, stderr, want)
	}
}

func TestPromptWriteError(t *testing.T) {
	w := &failWriter{syscall.EPIPE}
	stderr, status := publishFake(strings.NewReader("a\n"), w, &fakePipe{})
	want := "go-publisher: standard output: Broken pipe\n"
	if status != 1 || stderr != want {
		t.Errorf("status %d, stderr %q; want 1, %q", status, stderr, want)
	}
}

type failWriter struct{ err error }

func (w *failWriter) Write([]byte) (int, error) { return 0, w.err }

// Lines longer than the read buffer are counted piece by piece; the count
// must come out the same as for short ones, CR or no CR.
func TestOverlongLines(t *testing.T) {
	long := strings.Repeat("x", 3*readSize+5)
	tests := []struct {
		name, in, pipe string
		size           int
	}{
		{"lf", "a\n" + long + "\nb\n", "a\nb\n", len(long)},
		{"crlf", "a\n" + long + "\r\nb\n", "a\nb\n", len(long)},
		{"cr-at-buffer-end", strings.Repeat("y", readSize-1) + "\r\nb\n", "b\n", readSize - 1},
		{"exact-buffer", strings.Repeat("y", readSize) + "\nb\n", "b\n", readSize},
		{"unterminated", "a\n" + long, "a\n", len(long)},
		{"unterminated-cr", "a\n" + long + "\r", "a\n", len(long)},
	}
	for _, tt := range tests {
		for _, r := range readers {
			pipe := &fakePipe{}
			stderr, status := publishFake(r.make([]byte(tt.in)), nil, pipe)
			if string(pipe.bytes()) != tt.pipe {
				t.Errorf("%s/%s: pipe %q, want %q", tt.name, r.name, pipe.bytes(), tt.pipe)
			}
			no := 1
			if strings.HasPrefix(tt.in, "a\n") {
				no = 2
			}
			want := fmt.Sprintf("go-publisher: line %d: message of %d bytes is over the 4095-byte limit; not sent\n", no, tt.size)
			if stderr != want || status != 1 {
				t.Errorf("%s/%s: status %d, stderr %q; want 1, %q", tt.name, r.name, status, stderr, want)
			}
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		in   string
		kind lineKind
		msg  string
		size int
	}{
		{"abc\n", lineMessage, "abc", 3},
		{"abc", lineMessage, "abc", 3},
		{"abc\r\n", lineMessage, "abc", 3},
		{"abc\r", lineMessage, "abc", 3}, // end of input: as if LF followed
		{"a\rb\n", lineMessage, "a\rb", 3},
		{"abc\r\r\n", lineTrailingCR, "", 4},
		{"\n", lineEmpty, "", 0},
		{"\r\n", lineEmpty, "", 0},
		{"\r\r\n", lineTrailingCR, "", 1},
		{strings.Repeat("z", 4095) + "\r\n", lineMessage, strings.Repeat("z", 4095), 4095},
		{strings.Repeat("z", 4096) + "\r\n", lineTooLong, "", 4096},
		{strings.Repeat("z", 4095) + "\r\r\n", lineTooLong, "", 4096}, // the limit is checked first
	}
	for _, tt := range tests {
		l := classify(1, []byte(tt.in))
		if l.kind != tt.kind || string(l.msg) != tt.msg || l.size != tt.size {
			t.Errorf("classify(%q) = kind %d, msg %q, size %d; want %d, %q, %d",
				tail([]byte(tt.in)), l.kind, tail(l.msg), l.size, tt.kind, tail([]byte(tt.msg)), tt.size)
		}
	}
}

func TestSysText(t *testing.T) {
	tests := map[error]string{
		syscall.ENOENT:                      "No such file or directory",
		syscall.EACCES:                      "Permission denied",
		syscall.ENXIO:                       "No such device or address",
		fmt.Errorf("x: %w", syscall.EISDIR): "Is a directory",
		errors.New("plain"):                 "Plain",
	}
	for err, want := range tests {
		if got := sysText(err); got != want {
			t.Errorf("sysText(%v) = %q, want %q", err, got, want)
		}
	}
}
