// Package testbin builds the program under test once, for the end-to-end
// tests of cmd/publisher and cmd/subscriber, which run it as a child
// process against real FIFOs.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
