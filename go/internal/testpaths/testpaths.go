// Package testpaths makes, for the tests of internal/fifo and of the
// publisher, things at a path that a program must refuse as its FIFO, and
// a FIFO it accepts. Only tests use it.
package testpaths

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Kept is what File holds; a program that refuses it leaves it so.
const Kept = "keep me\n"

// Paths are in a temporary directory of the test's own.
type Paths struct {
	Dir       string // the directory
	File      string // a regular file holding Kept
	FIFO      string // a FIFO with mode 0644, as a plain mkfifo under umask 022 makes
	Link      string // a symbolic link to FIFO
	OpenToAll string // a FIFO with mode 0666
	Sock      string // a Unix socket, listening until the test ends
}

// Make makes the paths, or fails the test.
func Make(t *testing.T) Paths {
	t.Helper()
	dir := t.TempDir()
	p := Paths{
		Dir:       dir,
		File:      filepath.Join(dir, "file"),
		FIFO:      filepath.Join(dir, "fifo"),
		Link:      filepath.Join(dir, "link"),
		OpenToAll: filepath.Join(dir, "all"),
		Sock:      filepath.Join(dir, "sock"),
	}
	if err := os.WriteFile(p.File, []byte(Kept), 0640); err != nil {
		t.Fatal(err)
	}
	Mkfifo(t, p.FIFO, 0644)
	Mkfifo(t, p.OpenToAll, 0666)
	if err := os.Symlink(p.FIFO, p.Link); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", p.Sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return p
}

// CheckFileKept fails the test if File no longer holds Kept.
func (p Paths) CheckFileKept(t *testing.T) {
	t.Helper()
	if b, _ := os.ReadFile(p.File); string(b) != Kept {
		t.Errorf("the regular file was changed: %q", b)
	}
}

// Mkfifo makes a FIFO at path with the given mode, past the umask, or
// fails the test.
func Mkfifo(t *testing.T, path string, mode uint32) {
	t.Helper()
	if err := syscall.Mkfifo(path, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, os.FileMode(mode)); err != nil {
		t.Fatal(err)
	}
}
