package main

// Terminal detection, for the prompt: a person typing at a terminal is
// asked for each line, while piped or redirected input gets no prompt
// (it would only clutter the output of a script).

import (
	"syscall"
	"unsafe"
)

// isTerminal reports whether fd is a terminal. Like isatty(3), it asks
// the terminal driver for the line settings, which only a tty answers.
func isTerminal(fd int) bool {
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd),
		uintptr(syscall.TCGETS), uintptr(unsafe.Pointer(&t)))
	return errno == 0
}
