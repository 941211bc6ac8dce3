package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzFraming feeds arbitrary input, in arbitrary chunk sizes, through the
// line splitter and the batching, and checks the pipe bytes against a
// plain reading of PROTOCOL.md. The golden vectors are its seed corpus,
// so plain `go test` runs it on them.
func FuzzFraming(f *testing.F) {
	ins, _ := filepath.Glob(filepath.Join("..", "shared", "vectors", "*.in"))
	for _, in := range ins {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		for _, chunk := range []uint16{0, 1, 7, 4096} {
			f.Add(data, chunk)
		}
	}
	f.Add([]byte("a\r\r\nb\r"), uint16(2))
	f.Add(bytes.Repeat([]byte("x\r"), 2048), uint16(3))

	f.Fuzz(func(t *testing.T, data []byte, chunk uint16) {
		pipe := &fakePipe{}
		var in io.Reader = bytes.NewReader(data)
		if chunk > 0 {
			in = &chunkReader{data, int(chunk)}
		}
		stderr, status := publishFake(in, nil, pipe)

		// No write over PIPE_BUF, none ending inside a frame, no frame
		// empty or over 4096 bytes.
		checkWrites(t, pipe.writes)

		// Round trip: the frames in the pipe are exactly the messages
		// the protocol says this input carries, in order.
		wantPipe, wantErr, wantStatus := referenceFraming(data)
		if got := pipe.bytes(); !bytes.Equal(got, wantPipe) {
			t.Fatalf("pipe %q, want %q", got, wantPipe)
		}
		if stderr != wantErr || status != wantStatus {
			t.Fatalf("stderr %q status %d, want %q %d", stderr, status, wantErr, wantStatus)
		}
	})
}

// referenceFraming is the publisher's framing written as simply as
// possible, with the whole input in memory: the model the fuzzer checks
// the streaming code against.
func referenceFraming(data []byte) (pipe []byte, stderr string, status int) {
	if len(data) == 0 {
		return nil, "", 0
	}
	lines := bytes.Split(data, []byte("\n"))
	if data[len(data)-1] == '\n' {
		lines = lines[:len(lines)-1] // no line after the last LF
	}
	for i, msg := range lines {
		msg = bytes.TrimSuffix(msg, []byte("\r"))
		switch {
		case len(msg) == 0:
		case len(msg) > maxMessage:
			stderr += fmt.Sprintf("%s: line %d: message of %d bytes is over the 4095-byte limit; not sent\n",
				progName, i+1, len(msg))
			status = 1
		case msg[len(msg)-1] == '\r':
			stderr += fmt.Sprintf("%s: line %d: message ends with a carriage return, which a frame cannot carry; not sent\n",
				progName, i+1)
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
