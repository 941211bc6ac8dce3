package main

// The command line, identical for every publisher in the repository
// (../shared/PROTOCOL.md, section 1). It is parsed by hand: the flag
// package prints its own error and usage texts, and these must match the
// other implementations byte for byte.

import (
	"fmt"
	"strings"
)

const usageText = `Usage: PROG [-p PATH | --pipe PATH] [-h | --help] [--version]

Read lines from standard input and send each one as a message into a named
pipe (FIFO) for a subscriber to read. The message 'exit' stops the subscriber.

Options:
  -p, --pipe PATH   named pipe to write to (created with mode 0600 if missing)
  -h, --help        print this help and exit
      --version     print the version and exit

Environment:
  PIPE_PATH         pipe to use when --pipe is not given (default: /tmp/mypipe)
`

func usage() string {
	return strings.ReplaceAll(usageText, "PROG", progName)
}

// action is what the command line asks for.
type action int

const (
	actPublish action = iota
	actHelp
	actVersion
)

type options struct {
	action action
	pipe   string
}

// usageError is a mistake on the command line: exit status 2.
type usageError string

func (e usageError) Error() string { return string(e) }

// parseArgs reads the options left to right. --help and --version act as
// soon as they are met, so whatever follows them is not looked at. The
// pipe is --pipe (the last one given), else PIPE_PATH when not empty, else
// pipeName.
func parseArgs(args []string, envPipe string) (options, error) {
	opts := options{action: actPublish}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "-h" || arg == "--help":
			return options{action: actHelp}, nil
		case arg == "--version":
			return options{action: actVersion}, nil
		case arg == "-p" || arg == "--pipe":
			if i+1 == len(args) || args[i+1] == "" {
				return options{}, needsPath()
			}
			i++
			opts.pipe = args[i]
		case strings.HasPrefix(arg, "--pipe="):
			opts.pipe = strings.TrimPrefix(arg, "--pipe=")
			if opts.pipe == "" {
				return options{}, needsPath()
			}
		case strings.HasPrefix(arg, "-") && arg != "-":
			return options{}, usageError(fmt.Sprintf("unknown option '%s' (try --help)", arg))
		default:
			return options{}, usageError(fmt.Sprintf("unexpected argument '%s' (try --help)", arg))
		}
	}
	if opts.pipe == "" {
		opts.pipe = envPipe
	}
	if opts.pipe == "" {
		opts.pipe = pipeName
	}
	return opts, nil
}

func needsPath() error {
	return usageError("option '--pipe' needs a path (try --help)")
}
