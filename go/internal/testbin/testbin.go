// Package testbin builds the program under test, for the end-to-end
// tests of cmd/publisher and cmd/subscriber, which run it as a child
// process against real FIFOs: once as it is, and as a learner's edit of it.
// It holds what both programs' tests share, too.
package testbin

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Main builds the main package of the current directory as name in a
// temporary directory, sets *binary to its path, runs the tests, removes
// the directory and exits with the tests' status. Call it from TestMain.
func Main(m *testing.M, name string, binary *string) {
	dir, err := os.MkdirTemp("", name+"-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*binary = filepath.Join(dir, name)
	build := exec.Command("go", "build", "-o", *binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	status := 1
	if err := build.Run(); err == nil {
		status = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, "go build:", err)
	}
	os.RemoveAll(dir)
	os.Exit(status)
}

// BuildEdited builds the main package of the current directory as the
// program called name, with one edit to its source file: old replaced by
// new, exactly once, as a learner would edit it. The edited file is given
// to go build as an overlay, so the source tree is left alone. It returns
// the program's path, in a directory removed when the test ends.
func BuildEdited(t *testing.T, name, file, old, new string) string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), old); n != 1 {
		t.Fatalf("%s holds %q %d times, want once", file, old, n)
	}
	dir := t.TempDir()
	edited := filepath.Join(dir, filepath.Base(file))
	if err := os.WriteFile(edited, []byte(strings.Replace(string(src), old, new, 1)), 0600); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {abs: edited}})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0600); err != nil {
		t.Fatal(err)
	}
	binary := filepath.Join(dir, name)
	out, err := exec.Command("go", "build", "-overlay", overlayFile, "-o", binary, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build of the edited %s: %v\n%s", file, err, out)
	}
	return binary
}

// Replacement is what a test puts at a program's path, in place of the
// FIFO it removes there, while the program waits for the other side.
type Replacement struct {
	Name    string
	Replace func(path string) error
	Err     string // the end of the error line that ends the program; "" where it goes on
}

// Replacements are the ones both programs' tests make: the program goes
// on with a FIFO made again (by it or by the test) and refuses a file.
var Replacements = []Replacement{
	{"removed and made again", func(p string) error { return syscall.Mkfifo(p, 0600) }, ""},
	{"removed", func(string) error { return nil }, ""},
	{"replaced by a file", func(p string) error { return os.WriteFile(p, nil, 0600) }, "exists and is not a named pipe"},
}

// Numbered is n lines, "message 0" to "message n-1", each ending in LF:
// the input of the tests of a learner's edit.
func Numbered(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "message %d\n", i)
	}
	return b.String()
}

// ExpectNumbered checks that lines are the n messages of Numbered(n), in
// order, each as format shows it (%s for the message).
func ExpectNumbered(t *testing.T, lines []string, n int, format string) {
	t.Helper()
	if len(lines) != n {
		t.Fatalf("%d messages, want %d", len(lines), n)
	}
	for i, line := range lines {
		if want := fmt.Sprintf(format, fmt.Sprintf("message %d", i)); line != want {
			t.Fatalf("message %d is %q, want %q", i, line, want)
		}
	}
}
