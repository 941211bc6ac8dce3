// Subscriber reads messages from a named pipe (FIFO), /tmp/mypipe unless
// --pipe or PIPE_PATH names another, and prints each one as
// "Received: MESSAGE" (with --raw, the message alone). Its peers are the
// publishers writing into the same pipe: c-publisher, go-publisher,
// python-publisher, or anything that writes lines, such as
// `echo hello > /tmp/mypipe`. The message "exit" stops it.
//
// Each message arrives as a frame, the message and a newline. One read may
// bring many frames or part of one, so the bytes are cut into frames at each
// newline, and handle_message (handleMessage in Go) prints every message. When
// every publisher has closed the pipe (end of file) the subscriber opens it
// again and waits for the next one; with --once it exits instead. One FIFO is
// a queue, not a topic: two subscribers on one pipe share its messages, each
// reaching only one of them.
//
// The wire format is in shared/PROTOCOL.md. The same program in C, Go and
// Python: c/subscriber.c, go/cmd/subscriber/subscriber.go, python/subscriber.py.
package main

import (
	"os"
	"syscall"

	"fifo-pubsub/go/internal/cli"
	"fifo-pubsub/go/internal/fifo"
	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/output"
	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/signals"
)

const pipeName = "/tmp/mypipe"

const program = "go-subscriber"

// handleMessage prints one message as "Received: MESSAGE", or with --raw
// the message alone; "exit" is printed as "Exiting..." (with --raw, as
// "exit") and answers framing.Stop. It answers framing.Stop too once
// standard output has failed (the error is reported by out).
func handleMessage(out *output.Output, message []byte, raw bool) framing.Next {
	switch {
	case raw:
		out.Print("", message)
	case framing.IsExit(message):
		out.Print("Exiting...", nil)
	default:
		out.Print("Received: ", message)
	}
	if framing.IsExit(message) || out.Failed() {
		return framing.Stop
	}
	return framing.GoOn
}

func main() {
	// Keep descriptors 0-2 off the pipe: /dev/null on any that is closed.
	report.SetProgram(program)
	exitIf(fifo.GuardStdStreams())
	// Read the command line; --help, --version and a usage error end here.
	opts := cli.ParseArgs(cli.Spec{Program: program, Subscriber: true, DefaultPipe: pipeName})
	// Ignore SIGPIPE; make SIGINT and SIGTERM a request to stop.
	stop, err := signals.Install(signals.StopCleanly)
	exitIf(err)
	// Open the pipe (checked, or created), without waiting for a
	// publisher; on a terminal it says once that it waits.
	exitIf(fifo.Prepare(opts.Pipe))
	pipe, err := fifo.OpenReader(opts.Pipe, stop)
	exitIf(err)
	// Standard output, buffered; the decoder that cuts frames.
	out := output.New(syscall.Stdout, stop)
	frames := framing.NewDecoder(opts.Pipe, out)
	next, status := framing.GoOn, cli.ExitOK
	for next == framing.GoOn {
		// Read what the pipe holds and cut it into frames.
		got, err := pipe.Read(frames, out)
		// Handle each message; "exit" says stop.
		for message, ok := frames.Next(); ok; message, ok = frames.Next() {
			if next = handleMessage(out, message, opts.Raw); next == framing.Stop {
				break
			}
		}
		// End of file: open the pipe again (the new one before closing the
		// old), or with --once stop. A stop signal: stop.
		switch {
		case got == fifo.EndOfFile && !opts.Once && next == framing.GoOn:
			err = pipe.Reopen()
		case got != fifo.Bytes:
			next = framing.Stop
		}
		// An error reading or opening the pipe: say so, stop, status 1.
		if err != nil {
			report.Printf("%v", err)
			next, status = framing.Stop, cli.ExitRuntime
		}
	}
	// Write out every message read; 130 or 143 after a stop signal.
	os.Exit(out.Finish(status))
}

// exitIf ends the program with status 1 and one error line when err is
// not nil.
func exitIf(err error) {
	if err != nil {
		report.Printf("%v", err)
		os.Exit(cli.ExitRuntime)
	}
}
