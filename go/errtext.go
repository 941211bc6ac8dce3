package main

// Error texts. Every error the publisher prints is one line that begins
// with its name, and system errors use the C library's strerror() wording
// so that every implementation in the repository prints the same bytes.

import (
	"errors"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// pathError is an error about the pipe path, printed as "PATH: text".
type pathError struct {
	path string
	text string
}

func (e *pathError) Error() string { return e.path + ": " + e.text }

// sysError describes err, which happened on path, as "PATH: Strerror".
func sysError(path string, err error) error {
	return &pathError{path: path, text: sysText(err)}
}

// sysText gives strerror()'s wording for err. Go's syscall.Errno texts are
// the same words as glibc's, but with a lower-case first letter.
func sysText(err error) string {
	var errno syscall.Errno
	text := err.Error()
	if errors.As(err, &errno) {
		text = errno.Error()
	}
	r, n := utf8.DecodeRuneInString(text)
	return string(unicode.ToUpper(r)) + text[n:]
}
