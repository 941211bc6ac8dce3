// publisher.go
//
// The Go publisher of fifo-pubsub, a port of the tutorial's publisher.
//
// It reads lines from standard input and sends each one as a message into
// a named pipe (FIFO), /tmp/mypipe unless -p/--pipe or the environment
// variable PIPE_PATH names another. On the wire every message is followed
// by a newline, so that a reader can tell where one ends and the next
// begins. The line "exit" is sent like any other message; it asks the
// subscriber to stop, and it ends the publisher. When standard input is a
// terminal the publisher prompts for each line.
//
// The FIFO is created (mode 0600) if it does not exist, and the publisher
// refuses to write into anything that is not a FIFO. It opens the FIFO
// once, which waits until a subscriber opens the other end; if that
// subscriber goes away, it waits for the next one and sends it the frames
// that the failed write could not deliver.
//
// Its peer is any subscriber reading the same FIFO: bin/c-subscriber,
// bin/python-subscriber, or plain `cat /tmp/mypipe`. The protocol they
// share is ../shared/PROTOCOL.md; README.md in this directory lists what
// changed from the tutorial's code, and why.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// pipeName is the pipe used when neither --pipe nor PIPE_PATH names one.
const pipeName = "/tmp/mypipe"

const (
	progName = "go-publisher"
	version  = "1.0.0"
	prompt   = "Enter message to send: "
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv("PIPE_PATH")))
}

// run is the whole program; it returns the exit status.
func run(args []string, envPipe string) int {
	exitOnSignals()

	opts, err := parseArgs(args, envPipe)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %s\n", progName, err)
		return 2
	}
	switch opts.action {
	case actHelp:
		return printOut(usage())
	case actVersion:
		return printOut(progName + " " + version + "\n")
	}

	// A write to a pipe nobody reads raises SIGPIPE. Ignored, it becomes
	// an EPIPE error, which the publisher handles by waiting for the next
	// subscriber instead of dying.
	signal.Ignore(syscall.SIGPIPE)

	pipe, err := openPipe(opts.pipe, os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %s\n", progName, err)
		return 1
	}
	p := &publisher{
		lines:  newLineReader(os.Stdin),
		stderr: os.Stderr,
		pipe:   pipe,
		path:   opts.pipe,
		batch:  newBatch(),
	}
	if isTerminal(0) {
		p.prompt = os.Stdout
	}
	return p.loop()
}

// exitOnSignals makes SIGINT and SIGTERM end the program at once with the
// shell's status for them, 128 + signal number, even while it is blocked
// waiting for a subscriber or for room in the pipe.
func exitOnSignals() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-c
		os.Exit(128 + int(s.(syscall.Signal)))
	}()
}

func printOut(text string) int {
	if _, err := io.WriteString(os.Stdout, text); err != nil {
		fmt.Fprintf(os.Stderr, "%s: standard output: %s\n", progName, sysText(err))
		return 1
	}
	return 0
}

// Pipe is where the frames go: the FIFO in the program (fifo.go), a fake
// in the tests, so that the loop can be tested without a subscriber.
type Pipe interface {
	// Write writes a batch of whole frames with one write(2).
	io.Writer
	// Reopen waits for a new subscriber after Write failed with EPIPE.
	Reopen() error
}

// publisher holds the state of the main loop.
type publisher struct {
	lines    *lineReader
	prompt   io.Writer // standard output if it is a person typing, else nil
	stderr   io.Writer
	pipe     Pipe
	path     string
	batch    batch
	rejected bool // a line was refused: the exit status will be 1
}

// loop is the tutorial's main loop: prompt, read a line, trim it, send
// it. Lines read from one chunk of input are sent together, and whatever
// is gathered goes out before the publisher waits for more input.
func (p *publisher) loop() int {
	for {
		if p.lines.needsRead() {
			if err := p.flush(); err != nil {
				return p.fail(err)
			}
			if p.prompt != nil && p.lines.atLineStart() {
				if _, err := io.WriteString(p.prompt, prompt); err != nil {
					return p.fail(fmt.Errorf("standard output: %s", sysText(err)))
				}
			}
		}

		line, err := p.lines.next()
		if err != nil {
			status := p.status()
			if err != io.EOF {
				// The lines read before the error are still sent.
				status = p.fail(fmt.Errorf("standard input: %s", sysText(err)))
			}
			if ferr := p.flush(); ferr != nil {
				return p.fail(ferr)
			}
			return status
		}

		switch line.kind {
		case lineEmpty:
			// Nothing to send: a bare LF on the wire means nothing.
		case lineTooLong:
			p.reject("line %d: message of %d bytes is over the %d-byte limit; not sent",
				line.no, line.size, maxMessage)
		case lineTrailingCR:
			p.reject("line %d: message ends with a carriage return, which a frame cannot carry; not sent",
				line.no)
		case lineMessage:
			if err := p.WriteMessage(line.msg); err != nil {
				return p.fail(err)
			}
			if string(line.msg) == "exit" {
				if err := p.flush(); err != nil {
					return p.fail(err)
				}
				return p.status()
			}
		}
	}
}

// WriteMessage sends one message to the subscriber, as the tutorial's
// function of that name did, but as a frame (the message and an LF) in the
// current batch. A batch that has no room for the frame is written first.
func (p *publisher) WriteMessage(message []byte) error {
	if !p.batch.fits(message) {
		if err := p.flush(); err != nil {
			return err
		}
	}
	p.batch.add(message)
	return nil
}

// flush writes the batch into the pipe in one write. When the subscriber
// has gone away the same batch is written again, whole, once a new one
// has opened the pipe: the failed write delivered none of it.
func (p *publisher) flush() error {
	for !p.batch.empty() {
		n, err := p.pipe.Write(p.batch.bytes())
		switch {
		case errors.Is(err, syscall.EPIPE):
			fmt.Fprintf(p.stderr, "%s: %s: subscriber went away (broken pipe)\n", progName, p.path)
			if err := p.pipe.Reopen(); err != nil {
				return err
			}
		case err != nil:
			return sysError(p.path, err)
		case n != len(p.batch.bytes()):
			// Cannot happen for a write of at most PIPE_BUF bytes.
			return sysError(p.path, io.ErrShortWrite)
		default:
			p.batch.reset()
		}
	}
	return nil
}

func (p *publisher) reject(format string, args ...interface{}) {
	fmt.Fprintf(p.stderr, "%s: "+format+"\n", append([]interface{}{progName}, args...)...)
	p.rejected = true
}

// fail reports the error that ends the run: exit status 1.
func (p *publisher) fail(err error) int {
	fmt.Fprintf(p.stderr, "%s: %s\n", progName, err)
	return 1
}

// status is the exit status of a run that ended normally.
func (p *publisher) status() int {
	if p.rejected {
		return 1
	}
	return 0
}
