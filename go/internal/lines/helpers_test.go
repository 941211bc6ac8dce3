package lines

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/testvectors"
)

const testProg = "go-test"

// publisherVectors are the golden vectors with a case of standard input:
// all but the raw cases, which are for subscribers only. Their .err text
// has {prog} filled in.
func publisherVectors(t testing.TB) []testvectors.Vector {
	t.Helper()
	var vs []testvectors.Vector
	for _, v := range testvectors.Load(t) {
		if !v.Raw() {
			v.Err = strings.ReplaceAll(v.Err, "{prog}", testProg)
			vs = append(vs, v)
		}
	}
	return vs
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
			t.Fatalf("write %d is %d bytes and ends %q; want 1..%d bytes ending in LF", i, len(w), testvectors.Tail(w), framing.FrameMax)
		}
		for _, msg := range bytes.Split(w[:len(w)-1], []byte("\n")) {
			if len(msg) == 0 || len(msg) > framing.MessageMax {
				t.Fatalf("write %d holds a frame of %d bytes", i, len(msg)+1)
			}
		}
	}
	return bytes.Join(writes, nil)
}

// chunkReader hands out its data at most n bytes per Read, like a pipe
// that a slow writer fills.
type chunkReader struct {
	data []byte
	n    int
}

func (r *chunkReader) Read(p []byte) (int, error) { return readUpTo(p, &r.data, r.n) }

// lineAtATime hands out one line per Read, as a terminal does.
type lineAtATime struct{ data []byte }

func (r *lineAtATime) Read(p []byte) (int, error) {
	n := bytes.IndexByte(r.data, '\n') + 1
	if n == 0 {
		n = len(r.data)
	}
	return readUpTo(p, &r.data, n)
}

// readUpTo is a Read into p of at most n bytes from the front of *data.
func readUpTo(p []byte, data *[]byte, n int) (int, error) {
	if len(*data) == 0 {
		return 0, io.EOF
	}
	if n > len(p) {
		n = len(p)
	}
	if n > len(*data) {
		n = len(*data)
	}
	copy(p, (*data)[:n])
	*data = (*data)[n:]
	return n, nil
}
