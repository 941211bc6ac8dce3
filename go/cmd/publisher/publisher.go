// Publisher reads lines that a person types (or that a file or another
// program supplies) on standard input and sends each one as a message into a
// named pipe (FIFO), /tmp/mypipe unless --pipe or PIPE_PATH names another.
// Its peers are the subscribers reading the same pipe: c-subscriber,
// go-subscriber, python-subscriber, or plain `cat /tmp/mypipe`. The message
// "exit" asks the subscriber to stop, and ends the publisher.
//
// Each message goes into the pipe as one frame, the message and a newline, at
// most 4096 bytes, written with a single write(): a write that size to a pipe
// is atomic, so frames from several publishers never mix. The pipe is opened
// once, which waits for a subscriber; if the subscriber goes away, the
// publisher waits for the next one and sends it what the failed write could
// not deliver.
//
// The wire format is in shared/PROTOCOL.md. The same program in C, Go and
// Python: c/publisher.c, go/cmd/publisher/publisher.go, python/publisher.py.
package main

import (
	"errors"
	"io"
	"os"

	"fifo-pubsub/go/internal/cli"
	"fifo-pubsub/go/internal/fifo"
	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/signals"
)

const pipeName = "/tmp/mypipe"

// Prompt asks a person at a terminal for the next message.
const Prompt = "Enter message to send: "

const program = "go-publisher"

// WriteMessage sends one message, as the tutorial's function of that name
// did, but as a frame (the message and a newline) added to the batch. A
// batch without room for it is sent first; a batch is one write().
func WriteMessage(pipe *fifo.Writer, batch *framing.Batch, message []byte) error {
	if !batch.Fits(message) {
		if err := pipe.Send(batch); err != nil {
			return err
		}
	}
	batch.Add(message)
	return nil
}

func main() {
	// Keep descriptors 0-2 off the pipe: /dev/null on any that is closed.
	report.SetProgram(program)
	failIf(fifo.GuardStdStreams())
	// Read the command line; --help and --version end here.
	opts, status := cli.ParseArgs(cli.Spec{Program: program, DefaultPipe: pipeName}, os.Args[1:])
	if status != cli.Continue {
		os.Exit(status)
	}
	// Ignore SIGPIPE (a subscriber gone is EPIPE); SIGINT, SIGTERM end it.
	_, err := signals.Install(signals.ExitAtOnce)
	failIf(err)
	// Check or create the FIFO, and open it: this waits for a subscriber.
	failIf(fifo.Prepare(opts.Pipe))
	pipe, err := fifo.OpenWriter(opts.Pipe)
	failIf(err)

	lines := framing.NewLineReader(os.Stdin)
	batch := framing.NewBatch()
	person := fifo.IsTerminal(0) // a person typing gets a prompt
	rejected := false            // a line was refused: exit status 1
	for {
		// Before a read that may wait: send the batch, prompt a person
		// (unless a typed line is already waiting, or half of one).
		if lines.NeedsRead() {
			failIf(pipe.Send(batch))
			if person && lines.AtLineStart() && !fifo.InputWaiting(0) {
				_, err := io.WriteString(os.Stdout, Prompt)
				failIf(standardStream("output", err))
			}
		}
		// Ordinary lines already read go into the batch in one piece.
		if lines.TakePlain(batch) > 0 {
			continue
		}
		// Read a line; at the end of input, send what is left and stop.
		line, err := lines.Next()
		if err != nil {
			failIf(pipe.Send(batch))
			if err != io.EOF {
				failIf(standardStream("input", err))
			}
			break
		}
		// Check it: skip an empty line, reject one that is no frame.
		send, err := framing.Check(line)
		if err != nil {
			report.Printf("%v", err)
			rejected = true
		}
		if !send {
			continue
		}
		// Add it to the batch; after "exit", send it and stop.
		failIf(WriteMessage(pipe, batch, line.Message))
		if framing.IsExit(line.Message) {
			failIf(pipe.Send(batch))
			break
		}
	}
	if rejected {
		os.Exit(cli.ExitRuntime)
	}
}

// standardStream describes an error reading standard input or writing
// standard output: "standard input: Is a directory".
func standardStream(name string, err error) error {
	if err == nil {
		return nil
	}
	return errors.New("standard " + name + ": " + report.ErrText(err))
}

// failIf ends the program with status 1 and one error line when err is
// not nil.
func failIf(err error) {
	if err != nil {
		report.Printf("%v", err)
		os.Exit(cli.ExitRuntime)
	}
}
