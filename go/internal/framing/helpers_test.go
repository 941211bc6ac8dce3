package framing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fifo-pubsub/go/internal/report"
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

// reportLines collects the lines report prints, each turned by conv.
type reportLines struct {
	lines *[]string
	conv  func(string) string
}

func (r reportLines) Write(p []byte) (int, error) {
	for _, l := range strings.SplitAfter(string(p), "\n") {
		if l != "" {
			*r.lines = append(*r.lines, r.conv(l))
		}
	}
	return len(p), nil
}

// catchReports sends report's lines to lines (each turned by conv) until
// the test ends.
func catchReports(t testing.TB, lines *[]string, conv func(string) string) {
	report.SetProgram(testProg)
	report.SetOutput(reportLines{lines, conv})
	t.Cleanup(func() { report.SetOutput(os.Stderr) })
}

// subscribe runs pipe bytes, cut into the given chunks, through the
// decoder and prints what a subscriber prints: stdout and stderr.
func subscribe(t testing.TB, chunks [][]byte, raw bool) (stdout, stderr string) {
	var out strings.Builder
	var errs []string
	catchReports(t, &errs, func(l string) string { return l })
	d := NewDecoder(testPipe, nil)
	emit := func() bool {
		for m, ok := d.Next(); ok; m, ok = d.Next() {
			switch {
			case IsExit(m) && raw:
				out.WriteString("exit\n")
				return true
			case IsExit(m):
				out.WriteString("Exiting...\n")
				return true
			case raw:
				out.Write(m)
				out.WriteString("\n")
			default:
				out.WriteString("Received: ")
				out.Write(m)
				out.WriteString("\n")
			}
		}
		return false
	}
	for _, c := range chunks {
		d.Feed(c)
		if emit() {
			return out.String(), strings.Join(errs, "")
		}
	}
	d.Finish()
	emit()
	return out.String(), strings.Join(errs, "")
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

func tail(b []byte) []byte {
	if len(b) > 20 {
		return b[len(b)-20:]
	}
	return b
}
