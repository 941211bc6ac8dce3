package lines

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
)

const testProg = "go-test"

// vector is one golden test case of standard input from shared/vectors
// (PROTOCOL.md, 7): the input, the pipe's bytes and the error lines.
type vector struct {
	name     string
	in, pipe []byte
	errText  string // the .err file with {prog} filled in
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	ins, err := filepath.Glob("../../../shared/vectors/*.in")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no golden vectors in ../../../shared/vectors (%v)", err)
	}
	var vs []vector
	for _, in := range ins {
		base := strings.TrimSuffix(in, ".in")
		pipe, err := os.ReadFile(base + ".pipe")
		if err != nil {
			continue // a raw case, for subscribers only
		}
		v := vector{name: filepath.Base(base), in: mustRead(t, in), pipe: pipe}
		if b, err := os.ReadFile(base + ".err"); err == nil {
			v.errText = strings.ReplaceAll(string(b), "{prog}", testProg)
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

// fakePipe is the publisher's pipe: a batch, and the writes Send made.
type fakePipe struct {
	batch  *framing.Batch
	writes [][]byte
}

func (p *fakePipe) Send() error {
	if !p.batch.Empty() {
		p.writes = append(p.writes, append([]byte(nil), p.batch.Bytes()...))
		p.batch.Reset()
	}
	return nil
}

// publish runs standard input through the publisher's steps as
// cmd/publisher's main does: each line from Next goes into the batch as
// WriteMessage does (the batch sent first when full); it stops after
// "exit" or at the end of the input, and sends what is left.
func publish(t testing.TB, in io.Reader) (writes [][]byte, stderr string, status int) {
	var errs strings.Builder
	report.SetProgram(testProg)
	report.SetOutput(&errs)
	defer report.SetOutput(os.Stderr)
	pipe := &fakePipe{batch: framing.NewBatch()}
	r := NewReader(in, "prompt: ")
	for {
		message, err := r.Next(pipe)
		if err != nil {
			if err != io.EOF {
				report.Printf("%v", err)
				status = 1
			}
			break
		}
		if !pipe.batch.Fits(message) {
			pipe.Send()
		}
		pipe.batch.Add(message)
		if framing.IsExit(message) {
			break
		}
	}
	pipe.Send()
	if r.Rejected > 0 {
		status = 1
	}
	return pipe.writes, errs.String(), status
}

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

// joinWrites checks what PROTOCOL.md promises about writes (each at most
// FrameMax bytes of whole, non-empty frames) and returns their bytes.
func joinWrites(t testing.TB, writes [][]byte) []byte {
	t.Helper()
	for i, w := range writes {
		if len(w) == 0 || len(w) > framing.FrameMax || w[len(w)-1] != '\n' {
			t.Fatalf("write %d is %d bytes and ends %q; want 1..%d bytes ending in LF", i, len(w), tail(w), framing.FrameMax)
		}
		for _, msg := range bytes.Split(w[:len(w)-1], []byte("\n")) {
			if len(msg) == 0 || len(msg) > framing.MessageMax {
				t.Fatalf("write %d holds a frame of %d bytes", i, len(msg)+1)
			}
		}
	}
	return bytes.Join(writes, nil)
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

// lineAtATime hands out one line per Read, as a terminal does.
type lineAtATime struct{ data []byte }

func (r *lineAtATime) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := bytes.IndexByte(r.data, '\n') + 1
	if n == 0 || n > len(p) {
		n = len(p)
		if n > len(r.data) {
			n = len(r.data)
		}
	}
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}
