package framing

import (
	"bytes"
	"fmt"
	"testing"

	"fifo-pubsub/go/internal/testvectors"
)

// FuzzFraming feeds arbitrary bytes, as written raw into a pipe, through
// the subscriber's decoder in arbitrary chunk sizes, and checks what it
// delivers and discards against a plain reading of PROTOCOL.md. The golden
// vectors are its seed corpus, so plain `go test` runs it on them. The
// publisher's side is FuzzLines, in package lines.
func FuzzFraming(f *testing.F) {
	testvectors.AddSeeds(f)

	f.Fuzz(func(t *testing.T, data []byte, chunk uint16) {
		size := int(chunk)
		if size == 0 {
			size = len(data) + 1
		}
		stdout, serr := subscribe(t, splitEvery(data, size), true)
		wantOut, wantSerr := referenceSubscriber(data)
		if stdout != wantOut || serr != wantSerr {
			t.Fatalf("decoded %q / %q, want %q / %q", stdout, serr, wantOut, wantSerr)
		}
	})
}

// referenceSubscriber is what a subscriber prints with --raw for pipe
// bytes, written as simply as possible.
func referenceSubscriber(data []byte) (stdout, stderr string) {
	for _, msg := range testvectors.Lines(data) {
		msg = bytes.TrimSuffix(msg, []byte("\r"))
		switch {
		case len(msg) == 0:
		case len(msg) > MessageMax:
			stderr += fmt.Sprintf("%s: %s: discarded a frame of %d bytes, over the 4095-byte limit\n",
				testProg, testPipe, len(msg))
		default:
			stdout += string(msg) + "\n"
			if string(msg) == "exit" {
				return stdout, stderr
			}
		}
	}
	return stdout, stderr
}
