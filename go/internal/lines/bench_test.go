package lines

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"fifo-pubsub/go/internal/framing"
)

// BenchmarkNext runs 100,000 lines of 64 bytes through Next and the
// batch, as the publisher's loop does.
func BenchmarkNext(b *testing.B) {
	var in bytes.Buffer
	for i := 0; i < 100_000; i++ {
		fmt.Fprintf(&in, "%08d %s\n", i, strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456789", 2)[:54])
	}
	b.SetBytes(int64(in.Len()))
	for i := 0; i < b.N; i++ {
		pipe := &countPipe{batch: framing.NewBatch()}
		r := NewReader(bytes.NewReader(in.Bytes()), "")
		for m, err := r.Next(pipe); err == nil; m, err = r.Next(pipe) {
			if !pipe.batch.Fits(m) {
				pipe.Send()
			}
			pipe.batch.Add(m)
		}
	}
}

type countPipe struct {
	batch *framing.Batch
	n     int
}

func (p *countPipe) Send() error { p.n += len(p.batch.Bytes()); p.batch.Reset(); return nil }
