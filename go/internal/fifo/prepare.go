package fifo

import (
	"fmt"
	"syscall"

	"fifo-pubsub/go/internal/report"
)

// pathError is an error about a path, printed as "PATH: text", the text
// in the C library's strerror() wording for a system error.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string {
	if r, ok := e.err.(refusal); ok {
		return e.path + ": " + string(r)
	}
	return e.path + ": " + report.ErrText(e.err)
}
func (e *pathError) Unwrap() error { return e.err }

// refusal is a reason to leave PATH alone, in the words of PROTOCOL.md,
// section 5.
type refusal string

func (r refusal) Error() string { return string(r) }

const (
	notAFIFO     refusal = "exists and is not a named pipe"
	symbolicLink refusal = "is a symbolic link, not a named pipe"
)

// Prepare makes sure path is a FIFO the program may use, creating it with
// mode 0600 if it is missing. Anything else there (a file, a directory, a
// socket, a symbolic link, which Lstat never follows) is refused and left
// unchanged, and so is a FIFO that another user owns or may write to.
func Prepare(path string) error {
	var st syscall.Stat_t
	err := syscall.Lstat(path, &st)
	if err == syscall.ENOENT {
		// 0600: only the owner may read or write (the tutorial's 0666 let
		// any local user read or inject messages). EEXIST means a peer
		// made it first, which is fine if what it made is a FIFO.
		if err = syscall.Mkfifo(path, 0600); err == nil {
			return nil
		}
		if err != syscall.EEXIST {
			return &pathError{path, err}
		}
		err = syscall.Lstat(path, &st)
	}
	if err != nil {
		return &pathError{path, err}
	}
	return check(path, &st)
}

// check refuses what st describes unless it is a FIFO of ours that others
// cannot write to. It runs on Lstat before the open and again on Fstat of
// the opened descriptor, since the path may change in between. In a
// shared /tmp another user's FIFO, or one open to all, lets that user read
// our messages or inject their own (an "exit", say).
func check(path string, st *syscall.Stat_t) error {
	switch {
	case st.Mode&syscall.S_IFMT == syscall.S_IFLNK:
		return &pathError{path, symbolicLink}
	case st.Mode&syscall.S_IFMT != syscall.S_IFIFO:
		return &pathError{path, notAFIFO}
	case int(st.Uid) != syscall.Geteuid():
		return &pathError{path, refusal(fmt.Sprintf(
			"belongs to another user (uid %d), who could read or inject messages", st.Uid))}
	case st.Mode&0002 != 0:
		return &pathError{path, refusal(fmt.Sprintf(
			"other users may write to it (mode %04o), so they could inject messages", st.Mode&07777))}
	}
	return nil
}

// open opens the FIFO at path without O_CREAT (so no regular file is ever
// made by accident, and Linux's fs.protected_fifos has no reason to refuse
// the open) and without following a symbolic link, then checks with fstat
// what it really opened. Retried after EINTR.
func open(path string, flags int) (int, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, flags|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err == syscall.ELOOP {
		return -1, &pathError{path, symbolicLink}
	}
	if err != nil {
		return -1, &pathError{path, err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return -1, &pathError{path, err}
	}
	if err := check(path, &st); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}
