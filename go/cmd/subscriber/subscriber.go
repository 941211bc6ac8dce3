// Subscriber reads messages from a named pipe (FIFO), /tmp/mypipe unless
// --pipe or PIPE_PATH names another, and prints each one as
// "Received: MESSAGE" (with --raw, the message alone). Its peers are the
// publishers writing into the same pipe: c-publisher, go-publisher,
// python-publisher, or anything that writes lines, such as
// `echo hello > /tmp/mypipe`. The message "exit" stops it.
//
// Each message arrives as a frame, the message and a newline. One read may
// bring many frames or part of one, so the bytes are cut into frames at each
// newline, never taken a read at a time. When every publisher has closed the
// pipe (end of file) the subscriber opens it again and waits for the next one;
// with --once it exits instead. One FIFO is a queue, not a topic: two
// subscribers on one pipe share its messages, each reaching only one of them.
//
// The wire format is in shared/PROTOCOL.md. The same program in C, Go and
// Python: c/subscriber.c, go/cmd/subscriber/subscriber.go, python/subscriber.py.
package main

import (
	"io"
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

const program, receivedPrefix, exitingLine = "go-subscriber", "Received: ", "Exiting..."

// handleMessage prints one message as "Received: MESSAGE", or with --raw
// the message alone, and reports whether it is "exit", which says stop
// (printed as "Exiting...", or with --raw as "exit").
func handleMessage(out *output.Output, message []byte, raw bool) (stop bool) {
	switch {
	case raw:
		out.Print("", message)
	case framing.IsExit(message):
		out.Print(exitingLine, nil)
	default:
		out.Print(receivedPrefix, message)
	}
	return framing.IsExit(message)
}

func main() {
	var stop *signals.Stop
	var out *output.Output
	failIf := func(err error) {
		if err != nil {
			exit(out, stop, err)
		}
	}
	// Keep descriptors 0-2 off the pipe: /dev/null on any that is closed.
	report.SetProgram(program)
	failIf(fifo.GuardStdStreams())
	// Read the command line; --help and --version end here.
	opts, status := cli.ParseArgs(cli.Spec{Program: program, Subscriber: true, DefaultPipe: pipeName}, os.Args[1:])
	if status != cli.Continue {
		os.Exit(status)
	}
	// Ignore SIGPIPE; make SIGINT and SIGTERM a request to stop.
	stop, err := signals.Install(signals.StopCleanly)
	failIf(err)
	out = output.New(syscall.Stdout, stop)
	// Check or create the FIFO, and open it without waiting for a publisher.
	failIf(fifo.Prepare(opts.Pipe))
	pipe, err := fifo.OpenReader(opts.Pipe)
	failIf(err)
	// Say once that it waits, when a person watches standard error.
	if fifo.IsTerminal(syscall.Stderr) {
		report.Printf("%s: waiting for a publisher", opts.Pipe)
	}

	var frames framing.Decoder
	chunk := make([]byte, framing.ReadChunk)
	mustWait := true // just opened: no publisher may have come yet
	for last := stop.Requested(); !last || frames.MidFrame(); last = stop.Requested() {
		// Nothing more is ready: flush, then sleep until there is.
		if mustWait && !last {
			failIf(out.Flush())
			ready, err := pipe.Wait(stop)
			failIf(err)
			if !ready {
				continue // a stop signal
			}
		}
		// Read a chunk: bytes, end of file, or nothing yet.
		read := pipe.Read
		if last { // after a stop, one last pass: the rest of a frame begun (4.8)
			read = pipe.ReadRestOfFrame
		}
		n, err := read(chunk)
		if mustWait = err == fifo.ErrNotReady; mustWait {
			continue
		}
		atEOF := err == io.EOF || last
		if err != io.EOF {
			failIf(err)
		}
		// Cut it into frames (at end of file the fragment is one), and
		// print each message; report a discarded one; stop at "exit".
		frames.Add(chunk[:n], atEOF)
		for frame, ok := frames.Next(); ok; frame, ok = frames.Next() {
			if frame.Discarded > 0 {
				report.Printf("%s: discarded a frame of %d bytes, over the %d-byte limit",
					opts.Pipe, frame.Discarded, framing.MessageMax)
			} else if handleMessage(out, frame.Message, opts.Raw) {
				exit(out, stop, nil)
			}
		}
		// End of file: every publisher has gone. With --once, stop; else
		// open the pipe again (before closing it) and wait for the next.
		if atEOF && (opts.Once || last) {
			exit(out, stop, nil)
		} else if atEOF {
			failIf(out.Flush())
			failIf(pipe.Reopen())
			mustWait = true
		}
	}
	// A stop signal: print every message already read, then exit 130/143.
	exit(out, stop, nil)
}

// exit ends the program, after writing out the messages already read and
// reporting err. The status is 130 or 143 after a stop signal, else 1
// after an error, else 0.
func exit(out *output.Output, stop *signals.Stop, err error) {
	if out != nil {
		if flushErr := out.FlushBeforeExit(); err == nil {
			err = flushErr
		}
	}
	if err != nil {
		report.Printf("%v", err)
	}
	if stop != nil && stop.Requested() {
		os.Exit(stop.ExitStatus())
	} else if err != nil {
		os.Exit(cli.ExitRuntime)
	}
	os.Exit(cli.ExitOK)
}
