package framing

import (
	"os"
	"strings"
	"testing"

	"fifo-pubsub/go/internal/report"
)

const (
	testProg = "go-test"
	testPipe = "/tmp/test-pipe"
)

// fill puts testProg and testPipe into a vector's .err text.
func fill(errText string) string {
	return strings.NewReplacer("{prog}", testProg, "{pipe}", testPipe).Replace(errText)
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
