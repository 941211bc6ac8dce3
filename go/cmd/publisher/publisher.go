// Publisher reads lines that a person types (or that a file or another
// program supplies) on standard input and sends each one as a message into a
// named pipe (FIFO), /tmp/mypipe unless --pipe or PIPE_PATH names another.
// Its peers are the subscribers reading the same pipe: c-subscriber,
// go-subscriber, python-subscriber, or plain `cat /tmp/mypipe`. The message
// "exit" asks the subscriber to stop, and ends the publisher.
//
// Each message goes into the pipe as one frame, the message and a newline.
// write_message (WriteMessage in Go) adds the frame to a batch, and the batch
// goes into the pipe in a single write() of at most 4096 bytes: a write that
// size to a pipe is atomic, so frames from several publishers never mix. The
// batch is sent when the next frame does not fit, before the publisher waits
// for more input, and at the end. Opening the pipe waits for a subscriber; if
// the subscriber goes away, the publisher waits for the next one and sends it
// what the failed write could not deliver. Before it closes the pipe it waits
// until a subscriber has taken every frame.
//
// The wire format is in shared/PROTOCOL.md. The same program in C, Go and
// Python: c/publisher.c, go/cmd/publisher/publisher.go, python/publisher.py.
package main

import (
	"io"
	"os"

	"fifo-pubsub/go/internal/cli"
	"fifo-pubsub/go/internal/fifo"
	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/lines"
	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/signals"
)

const pipeName = "/tmp/mypipe"

// Prompt asks a person at a terminal for the next message.
const Prompt = "Enter message to send: "

const program = "go-publisher"

// WriteMessage adds the frame of one message, the message and a newline,
// to the pipe's batch; when the batch has no room for it, it sends the
// batch first. A batch goes into the pipe in one write(), of whole frames.
func WriteMessage(pipe *fifo.Writer, message []byte) error {
	if !pipe.Batch.Fits(message) {
		if err := pipe.Send(); err != nil {
			return err
		}
	}
	pipe.Batch.Add(message)
	return nil
}

func main() {
	// Keep descriptors 0-2 off the pipe: /dev/null on any that is closed.
	report.SetProgram(program)
	exitIf(fifo.GuardStdStreams())
	// Read the command line; --help, --version and a usage error end here.
	opts := cli.ParseArgs(cli.Spec{Program: program, DefaultPipe: pipeName})
	// Ignore SIGPIPE (a subscriber gone is EPIPE); SIGINT, SIGTERM end it.
	_, err := signals.Install(signals.ExitAtOnce)
	exitIf(err)
	// Open the pipe (checked, or created): this waits for a subscriber.
	exitIf(fifo.Prepare(opts.Pipe))
	pipe, err := fifo.OpenWriter(opts.Pipe)
	exitIf(err)
	// Read a line (prompting a person at a terminal), until the end of
	// the input.
	input := lines.NewReader(os.Stdin, Prompt)
	var message []byte
	for message, err = input.Next(pipe); err == nil; message, err = input.Next(pipe) {
		// Send it: WriteMessage adds its frame to the batch.
		exitIf(WriteMessage(pipe, message))
		// After "exit", stop.
		if framing.IsExit(message) {
			break
		}
	}
	// A read error: said now; what came before it is still sent.
	failed := err != nil && err != io.EOF
	if failed {
		report.Printf("%v", err)
	}
	// Send what is left; wait until a subscriber has taken it all; close.
	exitIf(pipe.Close())
	// A read error or a refused line: status 1.
	if failed || input.Rejected > 0 {
		os.Exit(cli.ExitRuntime)
	}
}

// exitIf ends the program with status 1 and one error line when err is
// not nil.
func exitIf(err error) {
	if err != nil {
		report.Printf("%v", err)
		os.Exit(cli.ExitRuntime)
	}
}
