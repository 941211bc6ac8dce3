package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// testPipePath is the pipe path the core reports in its messages when it
// writes into a fake pipe.
const testPipePath = "/tmp/test-pipe"

// fakePipe records every write, so tests can check how the core split its
// output into writes, and can fail chosen writes with EPIPE.
type fakePipe struct {
	writes    [][]byte     // successful writes, in order
	attempts  int          // every call to Write
	failAt    map[int]bool // attempt numbers (from 1) that fail with EPIPE
	failed    [][]byte     // what the failed attempts tried to write
	reopens   int
	reopenErr error
}

func (f *fakePipe) Write(p []byte) (int, error) {
	f.attempts++
	if f.failAt[f.attempts] {
		f.failed = append(f.failed, append([]byte(nil), p...))
		return 0, syscall.EPIPE
	}
	f.writes = append(f.writes, append([]byte(nil), p...))
	return len(p), nil
}

func (f *fakePipe) Reopen() error {
	f.reopens++
	return f.reopenErr
}

func (f *fakePipe) bytes() []byte { return bytes.Join(f.writes, nil) }

// publishFake runs the publisher's loop on in, into pipe.
func publishFake(in io.Reader, prompt io.Writer, pipe Pipe) (stderr string, status int) {
	var errb bytes.Buffer
	p := &publisher{
		lines:  newLineReader(in),
		prompt: prompt,
		stderr: &errb,
		pipe:   pipe,
		path:   testPipePath,
		batch:  newBatch(),
	}
	status = p.loop()
	return errb.String(), status
}

// checkWrites asserts what PROTOCOL.md promises about writes: each one is
// at most PIPE_BUF bytes and holds only whole frames.
func checkWrites(t testing.TB, writes [][]byte) {
	t.Helper()
	for i, w := range writes {
		if len(w) == 0 || len(w) > pipeBuf {
			t.Fatalf("write %d is %d bytes; want 1..%d", i, len(w), pipeBuf)
		}
		if w[len(w)-1] != '\n' {
			t.Fatalf("write %d does not end at a frame boundary: ...%q", i, tail(w))
		}
		for _, msg := range bytes.Split(w[:len(w)-1], []byte("\n")) {
			if len(msg) == 0 || len(msg) > maxMessage {
				t.Fatalf("write %d holds a frame of %d bytes", i, len(msg)+1)
			}
		}
	}
}

func tail(b []byte) []byte {
	if len(b) > 20 {
		return b[len(b)-20:]
	}
	return b
}

// chunkReader hands out its data at most n bytes per Read, like a pipe
// that a slow writer fills.
type chunkReader struct {
	data []byte
	n    int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := r.n
	if n > len(p) {
		n = len(p)
	}
	if n > len(r.data) {
		n = len(r.data)
	}
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// lineAtATime hands out one line per Read, as a terminal in canonical mode
// does.
type lineAtATime struct{ data []byte }

func (r *lineAtATime) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := bytes.IndexByte(r.data, '\n') + 1
	if n == 0 {
		n = len(r.data)
	}
	if n > len(p) {
		n = len(p)
	}
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// vector is one golden test case from ../shared/vectors.
type vector struct {
	name     string
	in       []byte
	pipe     []byte   // nil for raw (subscriber-only) cases
	errLines []string // expected stderr lines, {prog} filled in
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	ins, err := filepath.Glob(filepath.Join("..", "shared", "vectors", "*.in"))
	if err != nil || len(ins) == 0 {
		t.Fatalf("no golden vectors found in ../shared/vectors (%v)", err)
	}
	var vs []vector
	for _, in := range ins {
		base := strings.TrimSuffix(in, ".in")
		v := vector{name: filepath.Base(base), in: mustRead(t, in)}
		if b, err := os.ReadFile(base + ".pipe"); err == nil {
			v.pipe = b
		}
		if b, err := os.ReadFile(base + ".err"); err == nil {
			text := strings.NewReplacer("{prog}", progName, "{pipe}", testPipePath).Replace(string(b))
			v.errLines = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		}
		vs = append(vs, v)
	}
	return vs
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
