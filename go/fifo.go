package main

// The named pipe: checking or creating it, opening it for writing, and
// writing batches into it. ../shared/PROTOCOL.md, section 3, steps 1, 2
// and 8.

import (
	"fmt"
	"io"
	"syscall"
)

// prepareFIFO makes sure path is a FIFO, creating it if it is missing,
// and changes nothing when something else is there. Lstat does not follow
// a symbolic link, so a link is refused even when it points at a FIFO.
func prepareFIFO(path string) error {
	for {
		var st syscall.Stat_t
		err := syscall.Lstat(path, &st)
		if err == syscall.ENOENT {
			// 0600: only the owner may read or write (the tutorial's
			// 0666 let any local user inject or steal messages).
			err = syscall.Mkfifo(path, 0600)
			if err == nil {
				return nil
			}
			if err == syscall.EEXIST {
				continue // a peer made it first: check what it made
			}
			return sysError(path, err)
		}
		if err != nil {
			return sysError(path, err)
		}
		switch st.Mode & syscall.S_IFMT {
		case syscall.S_IFIFO:
			return nil
		case syscall.S_IFLNK:
			return &pathError{path, "is a symbolic link, not a named pipe"}
		default:
			return &pathError{path, "exists and is not a named pipe"}
		}
	}
}

// openFIFO prepares path and opens it for writing. Opening a FIFO for
// writing waits for a reader; a first non-blocking attempt tells whether
// there is one, so the wait can be announced once.
//
// No O_CREAT: a regular file is never created by accident, and Linux's
// fs.protected_fifos has no reason to refuse the open. O_NOFOLLOW and the
// fstat check close the gap between prepareFIFO and the open.
func openFIFO(path string, stderr io.Writer) (int, error) {
	if err := prepareFIFO(path); err != nil {
		return -1, err
	}
	const flags = syscall.O_WRONLY | syscall.O_NOFOLLOW | syscall.O_CLOEXEC
	fd, err := openRetry(path, flags|syscall.O_NONBLOCK)
	if err == syscall.ENXIO {
		fmt.Fprintf(stderr, "%s: %s: waiting for a subscriber\n", progName, path)
		fd, err = openRetry(path, flags)
	} else if err == nil {
		// Writes must block when the pipe is full: a non-blocking write
		// would fail with EAGAIN instead of waiting for the reader.
		if err = syscall.SetNonblock(fd, false); err != nil {
			syscall.Close(fd)
		}
	}
	if err == syscall.ELOOP {
		return -1, &pathError{path, "is a symbolic link, not a named pipe"}
	}
	if err != nil {
		return -1, sysError(path, err)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return -1, sysError(path, err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFIFO {
		syscall.Close(fd)
		return -1, &pathError{path, "exists and is not a named pipe"}
	}
	return fd, nil
}

func openRetry(path string, flags int) (int, error) {
	for {
		fd, err := syscall.Open(path, flags, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// fifoPipe is the publisher's open FIFO. It keeps a raw descriptor rather
// than an *os.File so that a batch is exactly one write(2) on a blocking
// descriptor, with nothing in between that could split or retry part of it.
type fifoPipe struct {
	path   string
	fd     int
	stderr io.Writer
}

func openPipe(path string, stderr io.Writer) (*fifoPipe, error) {
	fd, err := openFIFO(path, stderr)
	if err != nil {
		return nil, err
	}
	return &fifoPipe{path: path, fd: fd, stderr: stderr}, nil
}

// Write writes p in one write(2). For at most PIPE_BUF bytes the kernel
// writes all of p or nothing, so after EINTR or EPIPE nothing was written.
// SIGPIPE is ignored, so a vanished reader shows up as EPIPE here.
func (f *fifoPipe) Write(p []byte) (int, error) {
	for {
		n, err := syscall.Write(f.fd, p)
		if err == syscall.EINTR {
			continue
		}
		if n < 0 {
			n = 0
		}
		return n, err
	}
}

// Reopen opens the FIFO again after the subscriber went away. The old
// descriptor stays open until the new open succeeds: while any descriptor
// is open the kernel keeps the pipe's buffer, so frames the old subscriber
// never read reach the new one.
func (f *fifoPipe) Reopen() error {
	fd, err := openFIFO(f.path, f.stderr)
	if err != nil {
		return err
	}
	syscall.Close(f.fd)
	f.fd = fd
	return nil
}
