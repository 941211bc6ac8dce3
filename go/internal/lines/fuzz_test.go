package lines

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/testvectors"
)

// FuzzLines feeds arbitrary input, in arbitrary chunk sizes, through the
// publisher's steps, and checks the pipe's bytes, the error lines and the
// status against a plain reading of PROTOCOL.md. The golden vectors are
// its seed corpus, so plain `go test` runs it on them. The subscriber's
// side is FuzzFraming, in package framing.
func FuzzLines(f *testing.F) {
	testvectors.AddSeeds(f)

	f.Fuzz(func(t *testing.T, data []byte, chunk uint16) {
		var in io.Reader = bytes.NewReader(data)
		if chunk > 0 {
			in = &chunkReader{data, int(chunk)}
		}
		writes, stderr, status := publish(t, in)
		pipe := joinWrites(t, writes)
		wantPipe, wantErr, wantStatus := referencePublisher(data)
		if !bytes.Equal(pipe, wantPipe) {
			t.Fatalf("pipe %q, want %q", pipe, wantPipe)
		}
		if stderr != wantErr || status != wantStatus {
			t.Fatalf("stderr %q status %d, want %q %d", stderr, status, wantErr, wantStatus)
		}
	})
}

// referencePublisher is the publisher's framing written as simply as
// possible, with the whole input in memory.
func referencePublisher(data []byte) (pipe []byte, stderr string, status int) {
	for i, msg := range testvectors.Lines(data) {
		msg = bytes.TrimSuffix(msg, []byte("\r"))
		switch {
		case len(msg) == 0:
		case len(msg) > framing.MessageMax:
			stderr += fmt.Sprintf("%s: line %d: message of %d bytes is over the 4095-byte limit; not sent\n",
				testProg, i+1, len(msg))
			status = 1
		case msg[len(msg)-1] == '\r':
			stderr += fmt.Sprintf("%s: line %d: message ends with a carriage return, which a frame cannot carry; not sent\n",
				testProg, i+1)
			status = 1
		default:
			pipe = append(append(pipe, msg...), '\n')
			if string(msg) == "exit" {
				return pipe, stderr, status
			}
		}
	}
	return pipe, stderr, status
}
