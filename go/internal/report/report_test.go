package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

func TestErrText(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{syscall.ENOENT, "No such file or directory"},
		{syscall.EACCES, "Permission denied"},
		{syscall.ENXIO, "No such device or address"},
		{syscall.EPIPE, "Broken pipe"},
		{syscall.EIO, "Input/output error"},
		{fmt.Errorf("x: %w", syscall.EISDIR), "Is a directory"},
		{&os.PathError{Op: "open", Path: "/x", Err: syscall.ENOTDIR}, "Not a directory"},
		{errors.New("plain"), "Plain"},
	}
	for _, tt := range tests {
		if got := ErrText(tt.err); got != tt.want {
			t.Errorf("ErrText(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestPrintfOneLineWithProgramName(t *testing.T) {
	var buf bytes.Buffer
	SetProgram("go-test")
	SetOutput(&buf)
	defer SetProgram("go-test")
	Printf("%s: waiting for a subscriber", "/tmp/p")
	Printf("line %d: too long", 7)
	want := "go-test: /tmp/p: waiting for a subscriber\ngo-test: line 7: too long\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}
