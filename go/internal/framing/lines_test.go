package framing

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// The fast path for ordinary lines must not change a single write, error
// line or exit status: the same input, with and without it, in every
// chunking.
func TestTakePlainChangesNothing(t *testing.T) {
	filler := func(n int) string { return strings.Repeat("m", n) }
	inputs := map[string]string{
		"plain":          strings.Repeat(filler(63)+"\n", 500),
		"exit-midway":    strings.Repeat("a\n", 100) + "exit\n" + strings.Repeat("b\n", 100),
		"exit-lookalike": "exits\nexi\n exit\nexit \nExit\nexit",
		"empty-lines":    "a\n\n\nb\n\r\nc\n",
		"carriage":       "a\r\nb\r\r\nc\rd\ne\r\n",
		"fills-batch":    "ab\n" + filler(4092) + "\n" + "cd\n",
		"one-over":       "ab\n" + filler(4093) + "\n" + "cd\n",
		"too-long":       "a\n" + filler(4096) + "\nb\n" + filler(70000) + "\nc\n",
		"unterminated":   strings.Repeat("line\n", 1000) + "last",
	}
	for _, v := range loadVectors(t) {
		if !v.raw() {
			inputs["vector-"+v.name] = string(v.in)
		}
	}
	for name, in := range inputs {
		for _, r := range readers {
			fastWrites, fastErr, fastStatus := publishWith(r.make([]byte(in)), true)
			writes, stderr, status := publishWith(r.make([]byte(in)), false)
			if fmt.Sprintf("%q", fastWrites) != fmt.Sprintf("%q", writes) {
				t.Errorf("%s/%s: %d writes with the fast path, %d without, or their bytes differ",
					name, r.name, len(fastWrites), len(writes))
			}
			if fastErr != stderr || fastStatus != status {
				t.Errorf("%s/%s: stderr %q, status %d with the fast path; %q, %d without",
					name, r.name, fastErr, fastStatus, stderr, status)
			}
		}
	}
}

// Where TakePlain stops, and what it leaves for Next.
func TestTakePlain(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		batched  string // already in the batch
		taken    int
		wantBack string // the batch afterwards
		next     string // the message Next returns afterwards
		number   int    // and its line number
	}{
		{"all whole lines", "a\nbc\nd", "", 2, "a\nbc\n", "d", 3},
		{"empty line", "a\n\nb\n", "", 1, "a\n", "", 2},
		{"crlf", "a\nb\r\nc\n", "", 1, "a\n", "b", 2},
		{"exit", "a\nexit\nb\n", "", 1, "a\n", "exit", 2},
		{"exit first", "exit\nb\n", "", 0, "", "exit", 1},
		{"no room", "abc\nd\n", strings.Repeat("x", FrameMax-3), 0, strings.Repeat("x", FrameMax-3), "abc", 1},
		{"exact room", "ab\nd\n", strings.Repeat("x", FrameMax-3), 1, strings.Repeat("x", FrameMax-3) + "ab\n", "d", 2},
		{"over the limit", strings.Repeat("z", MessageMax+1) + "\na\n", "", 0, "", strings.Repeat("z", MessageMax+1), 1},
		{"largest", strings.Repeat("z", MessageMax) + "\na\n", "", 1, strings.Repeat("z", MessageMax) + "\n", "a", 2},
	}
	for _, tt := range tests {
		lr := NewLineReader(strings.NewReader(tt.in))
		lr.fill() // the whole input, in one read
		batch := NewBatch()
		batch.buf = append(batch.buf, tt.batched...)
		if got := lr.TakePlain(batch); got != tt.taken || string(batch.Bytes()) != tt.wantBack {
			t.Errorf("%s: took %d lines, batch %q; want %d, %q", tt.name, got, tail(batch.Bytes()), tt.taken, tail([]byte(tt.wantBack)))
		}
		line, err := lr.Next()
		if err != nil || string(line.Message) != tt.next || line.Number != tt.number {
			t.Errorf("%s: then Next() = line %d %q, %v; want line %d %q", tt.name, line.Number, tail(line.Message), err, tt.number, tt.next)
		}
	}
}

// BenchmarkPublish runs a million-message input's worth of 64-byte lines
// through the publisher's steps, with and without the fast path.
func BenchmarkPublish(b *testing.B) {
	var in bytes.Buffer
	for i := 0; i < 100_000; i++ {
		fmt.Fprintf(&in, "%08d %s\n", i, strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456789", 2)[:54])
	}
	for _, fast := range []bool{true, false} {
		b.Run(fmt.Sprintf("take-plain=%v", fast), func(b *testing.B) {
			b.SetBytes(int64(in.Len()))
			for i := 0; i < b.N; i++ {
				publishWith(bytes.NewReader(in.Bytes()), fast)
			}
		})
	}
}
