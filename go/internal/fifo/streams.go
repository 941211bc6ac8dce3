// Package fifo is the named pipe itself (shared/PROTOCOL.md, sections 3
// and 4): keeping the standard streams off it, checking or creating it,
// opening it, and reading and writing it through raw descriptors, so that
// every write is exactly one write(2) and every read one read(2).
package fifo

import (
	"syscall"
	"unsafe"
)

// GuardStdStreams opens /dev/null on any of descriptors 0, 1 and 2 that is
// closed. Called first thing, before anything is opened: otherwise, with
// standard error closed, the FIFO would get descriptor 2 and the program's
// own error lines would go into the pipe as messages.
func GuardStdStreams() error {
	for fd := 0; fd <= 2; fd++ {
		if _, err := fcntl(fd, syscall.F_GETFD); err != syscall.EBADF {
			continue
		}
		null, err := syscall.Open("/dev/null", syscall.O_RDWR, 0)
		if err != nil {
			return &pathError{"/dev/null", err}
		}
		// open() returns the lowest free descriptor, which is fd, since
		// the ones below it are open; dup2 makes sure of it.
		if null != fd {
			err = syscall.Dup2(null, fd)
			syscall.Close(null)
			if err != nil {
				return &pathError{"/dev/null", err}
			}
		}
	}
	return nil
}

func fcntl(fd, cmd int) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), uintptr(cmd), 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

// IsTerminal reports whether fd is a terminal. Like isatty(3), it asks for
// the terminal's line settings, which only a terminal has.
func IsTerminal(fd int) bool {
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd),
		uintptr(syscall.TCGETS), uintptr(unsafe.Pointer(&t)))
	return errno == 0
}

// InputWaiting reports whether input is already waiting on fd, a terminal:
// a line typed while the publisher was busy. A terminal in its usual
// (canonical) mode counts only complete lines here.
func InputWaiting(fd int) bool {
	var n int32
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd),
		uintptr(syscall.TIOCINQ), uintptr(unsafe.Pointer(&n)))
	return errno == 0 && n > 0
}
