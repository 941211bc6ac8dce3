// tutorial_loop reproduces the read loop of the tutorial's Go publisher,
// to show its two bugs happen (make bugs). It sends nothing: it prints what
// the tutorial's program would have sent.
//
// Bug 1: a new bufio.Reader on every pass of the loop. The reader fills its
// buffer with as much input as is waiting, returns the first line, and is
// thrown away with the rest: piped input loses every line but the first.
//
// Bug 2: message[:len(message)-1] to drop the newline. At end of input the
// message is empty, and the slice expression panics.
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	for {
		reader := bufio.NewReader(os.Stdin) // bug 1: a new reader per message
		message, _ := reader.ReadString('\n')
		message = message[:len(message)-1] // bug 2: panics when message is ""
		fmt.Printf("would send: %q\n", message)
	}
}
