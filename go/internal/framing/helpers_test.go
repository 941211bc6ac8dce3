package framing

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testProg = "go-test"
	testPipe = "/tmp/test-pipe"
)

// vector is one golden test case from shared/vectors (PROTOCOL.md, 7).
type vector struct {
	name    string
	in      []byte
	pipe    []byte // nil for raw cases, whose .in goes straight into the pipe
	out     []byte
	outRaw  []byte
	errText string // the .err file with {prog} and {pipe} filled in
}

func (v vector) raw() bool { return v.pipe == nil }

// pipeBytes is what a subscriber reads from the pipe in this case.
func (v vector) pipeBytes() []byte {
	if v.raw() {
		return v.in
	}
	return v.pipe
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
		v := vector{
			name:   filepath.Base(base),
			in:     mustRead(t, in),
			out:    mustRead(t, base+".out"),
			outRaw: mustRead(t, base+".out-raw"),
		}
		if b, err := os.ReadFile(base + ".pipe"); err == nil {
			v.pipe = b
		}
		if b, err := os.ReadFile(base + ".err"); err == nil {
			v.errText = strings.NewReplacer("{prog}", testProg, "{pipe}", testPipe).Replace(string(b))
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

// publish runs standard input through the publisher's steps as
// cmd/publisher's main loop does: take the ordinary lines already read
// into the batch, or read a line, check it and add its frame to the batch
// (writing the batch first when full); write the batch whenever the next
// read may block, and stop after "exit".
func publish(in io.Reader) (writes [][]byte, stderr string, status int) {
	return publishWith(in, true)
}

// publishWith is publish with or without the fast path for ordinary lines
// (TakePlain), which must not change a single write.
func publishWith(in io.Reader, takePlain bool) (writes [][]byte, stderr string, status int) {
	lines := NewLineReader(in)
	batch := NewBatch()
	send := func() {
		if !batch.Empty() {
			writes = append(writes, append([]byte(nil), batch.Bytes()...))
			batch.Reset()
		}
	}
	for {
		if lines.NeedsRead() {
			send()
		}
		if takePlain && lines.TakePlain(batch) > 0 {
			continue
		}
		line, err := lines.Next()
		if err != nil {
			if err != io.EOF {
				stderr += fmt.Sprintf("%s: standard input: %v\n", testProg, err)
				status = 1
			}
			send()
			return writes, stderr, status
		}
		ok, err := Check(line)
		if err != nil {
			stderr += fmt.Sprintf("%s: %v\n", testProg, err)
			status = 1
		}
		if !ok {
			continue
		}
		if !batch.Fits(line.Message) {
			send()
		}
		batch.Add(line.Message)
		if IsExit(line.Message) {
			send()
			return writes, stderr, status
		}
	}
}

// subscribe runs pipe bytes, cut into the given chunks, through the
// decoder and prints what a subscriber prints: stdout and stderr.
func subscribe(chunks [][]byte, raw bool) (stdout, stderr string) {
	var out, errs strings.Builder
	var d Decoder
	emit := func() bool {
		for {
			f, ok := d.Next()
			if !ok {
				return false
			}
			switch {
			case f.Discarded > 0:
				fmt.Fprintf(&errs, "%s: %s: discarded a frame of %d bytes, over the %d-byte limit\n",
					testProg, testPipe, f.Discarded, MessageMax)
			case IsExit(f.Message) && raw:
				out.WriteString("exit\n")
				return true
			case IsExit(f.Message):
				out.WriteString("Exiting...\n")
				return true
			case raw:
				out.Write(f.Message)
				out.WriteString("\n")
			default:
				out.WriteString("Received: ")
				out.Write(f.Message)
				out.WriteString("\n")
			}
		}
	}
	for _, c := range chunks {
		d.Feed(c)
		if emit() {
			return out.String(), errs.String()
		}
	}
	d.Finish()
	emit()
	return out.String(), errs.String()
}

// splitAt cuts b at the given offsets (in order, within b).
func splitAt(b []byte, cuts ...int) [][]byte {
	var chunks [][]byte
	last := 0
	for _, c := range cuts {
		chunks = append(chunks, b[last:c])
		last = c
	}
	return append(chunks, b[last:])
}

// splitEvery cuts b into pieces of n bytes.
func splitEvery(b []byte, n int) [][]byte {
	var chunks [][]byte
	for len(b) > n {
		chunks = append(chunks, b[:n])
		b = b[n:]
	}
	return append(chunks, b)
}

// joinWrites checks what PROTOCOL.md promises about writes (each at most
// FrameMax bytes of whole, non-empty frames) and returns their bytes.
func joinWrites(t testing.TB, writes [][]byte) []byte {
	t.Helper()
	for i, w := range writes {
		if len(w) == 0 || len(w) > FrameMax || w[len(w)-1] != '\n' {
			t.Fatalf("write %d is %d bytes and ends %q; want 1..%d bytes ending in LF", i, len(w), tail(w), FrameMax)
		}
		for _, msg := range bytes.Split(w[:len(w)-1], []byte("\n")) {
			if len(msg) == 0 || len(msg) > MessageMax {
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
