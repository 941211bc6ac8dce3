// Package report prints the programs' error lines and notices: one line on
// standard error, starting with the program's name (shared/PROTOCOL.md,
// section 5). Every line goes through Printf, so that no error is ever
// formatted by hand somewhere else.
package report

import (
	"errors"
	"io"
	"log"
	"os"
	"path/filepath"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// logger writes whole lines, each with the program's name before it. The
// log package writes each line with a single write(2), so lines from
// several goroutines never mix.
var logger = log.New(os.Stderr, filepath.Base(os.Args[0])+": ", 0)

// SetProgram sets the name every line starts with, such as "go-publisher".
func SetProgram(name string) {
	logger = log.New(os.Stderr, name+": ", 0)
}

// SetOutput sends the lines to w instead of standard error (for tests).
func SetOutput(w io.Writer) {
	logger.SetOutput(w)
}

// Printf prints one line: the program's name, ": ", and the text. The
// text names the path or value involved, for example
// report.Printf("%s: waiting for a subscriber", path).
func Printf(format string, args ...interface{}) {
	logger.Printf(format, args...)
}

// ErrText gives the C library's strerror() wording for err, so that every
// implementation prints the same bytes: Go's syscall.Errno texts are
// glibc's words with a lower-case first letter ("broken pipe").
func ErrText(err error) string {
	var errno syscall.Errno
	text := err.Error()
	if errors.As(err, &errno) {
		text = errno.Error()
	}
	r, n := utf8.DecodeRuneInString(text)
	return string(unicode.ToUpper(r)) + text[n:]
}
