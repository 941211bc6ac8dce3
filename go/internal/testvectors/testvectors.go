// Package testvectors reads the golden test cases in shared/vectors
// (PROTOCOL.md, 7) for the tests of internal/framing and internal/lines,
// whose fuzz targets take them as their seed corpus too. Only tests use it.
package testvectors

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir is shared/vectors as seen from a package directory under
// go/internal, where go test runs a package's tests.
const Dir = "../../../shared/vectors"

// Vector is one golden test case.
type Vector struct {
	Name   string
	In     []byte
	Pipe   []byte // nil for raw cases, whose .in goes straight into the pipe
	Out    []byte
	OutRaw []byte
	Err    string // the .err file, "" where there is none; {prog} and {pipe} unfilled
}

// Raw tells a raw case: no .pipe, a case for subscribers only.
func (v Vector) Raw() bool { return v.Pipe == nil }

// Inputs returns the paths of the vectors' .in files; it fails the test
// when there are none.
func Inputs(t testing.TB) []string {
	t.Helper()
	ins, err := filepath.Glob(Dir + "/*.in")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no golden vectors in %s (%v)", Dir, err)
	}
	return ins
}

// Load reads every vector: .in, .out and .out-raw must be there, .pipe
// and .err may be.
func Load(t testing.TB) []Vector {
	t.Helper()
	var vs []Vector
	for _, in := range Inputs(t) {
		base := strings.TrimSuffix(in, ".in")
		v := Vector{
			Name:   filepath.Base(base),
			In:     MustRead(t, in),
			Out:    MustRead(t, base+".out"),
			OutRaw: MustRead(t, base+".out-raw"),
		}
		if b, err := os.ReadFile(base + ".pipe"); err == nil {
			v.Pipe = b
		}
		if b, err := os.ReadFile(base + ".err"); err == nil {
			v.Err = string(b)
		}
		vs = append(vs, v)
	}
	return vs
}

// AddSeeds gives a fuzz target of (data []byte, chunk uint16) its seed
// corpus: each vector's input in chunks of 0 (all at once), 1, 7 and 4096
// bytes, and two inputs of carriage returns.
func AddSeeds(f *testing.F) {
	f.Helper()
	for _, in := range Inputs(f) {
		data := MustRead(f, in)
		for _, chunk := range []uint16{0, 1, 7, 4096} {
			f.Add(data, chunk)
		}
	}
	f.Add([]byte("a\r\r\nb\r"), uint16(2))
	f.Add(bytes.Repeat([]byte("x\r"), 2048), uint16(3))
}

// Lines cuts data at each LF, as a plain reading of PROTOCOL.md does in
// the fuzz targets' reference programs; bytes after the last LF are a line
// too.
func Lines(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	l := bytes.Split(data, []byte("\n"))
	if data[len(data)-1] == '\n' {
		l = l[:len(l)-1]
	}
	return l
}

// MustRead reads the file at path, or fails the test.
func MustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Tail is the last 20 bytes of b, for messages about long bytes.
func Tail(b []byte) []byte {
	if len(b) > 20 {
		return b[len(b)-20:]
	}
	return b
}
