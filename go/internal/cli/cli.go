// Package cli reads the command line, the same for every program of a role
// in the repository (shared/PROTOCOL.md, section 1). It is parsed by hand:
// the flag package prints error and usage texts of its own, and these must
// match the other implementations byte for byte.
package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"fifo-pubsub/go/internal/report"
)

// Version is printed by --version, after the program's name.
const Version = "1.0.0"

// Exit statuses shared by every program.
const (
	ExitOK      = 0
	ExitRuntime = 1 // bad pipe path, I/O failure, rejected message
	ExitUsage   = 2 // unknown option, missing value, stray argument
	// Continue is what ParseArgs returns when the program should run.
	Continue = -1
)

// Spec describes the program whose command line is read.
type Spec struct {
	Program     string // "go-publisher", for the usage and version texts
	Subscriber  bool   // whether --once and --raw are accepted
	DefaultPipe string // used when neither --pipe nor PIPE_PATH names one
}

// Action is what the command line asks for.
type Action int

const (
	Run Action = iota
	Help
	ShowVersion
)

// Options is the parsed command line.
type Options struct {
	Action Action
	Pipe   string
	Once   bool // subscriber: exit at the first end of file
	Raw    bool // subscriber: print messages without "Received: "
}

// UsageError is a mistake on the command line: exit status 2.
type UsageError string

func (e UsageError) Error() string { return string(e) }

// ParseArgs reads the command line (without the program name) and the
// environment. It prints the help, the version or a usage error itself; it
// returns Continue when the program should run, else the exit status.
func ParseArgs(spec Spec, args []string) (Options, int) {
	opts, err := Parse(spec, args, os.Getenv("PIPE_PATH"))
	if err != nil {
		report.Printf("%v", err)
		return opts, ExitUsage
	}
	switch opts.Action {
	case Help:
		return opts, printOut(os.Stdout, Usage(spec))
	case ShowVersion:
		return opts, printOut(os.Stdout, spec.Program+" "+Version+"\n")
	}
	return opts, Continue
}

func printOut(w io.Writer, text string) int {
	if _, err := io.WriteString(w, text); err != nil {
		report.Printf("standard output: %s", report.ErrText(err))
		return ExitRuntime
	}
	return ExitOK
}

// Parse reads the options left to right. --help and --version act as soon
// as they are met, so whatever follows them is not looked at. The pipe is
// the last --pipe given, else envPipe when not empty, else spec.DefaultPipe.
func Parse(spec Spec, args []string, envPipe string) (Options, error) {
	var opts Options
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "-h" || arg == "--help":
			return Options{Action: Help}, nil
		case arg == "--version":
			return Options{Action: ShowVersion}, nil
		case arg == "-p" || arg == "--pipe":
			if i+1 == len(args) || args[i+1] == "" {
				return Options{}, errNeedsPath
			}
			i++
			opts.Pipe = args[i]
		case strings.HasPrefix(arg, "--pipe="):
			opts.Pipe = strings.TrimPrefix(arg, "--pipe=")
			if opts.Pipe == "" {
				return Options{}, errNeedsPath
			}
		case spec.Subscriber && arg == "--once":
			opts.Once = true
		case spec.Subscriber && arg == "--raw":
			opts.Raw = true
		case strings.HasPrefix(arg, "-") && arg != "-":
			return Options{}, UsageError(fmt.Sprintf("unknown option '%s' (try --help)", arg))
		default:
			return Options{}, UsageError(fmt.Sprintf("unexpected argument '%s' (try --help)", arg))
		}
	}
	if opts.Pipe == "" {
		opts.Pipe = envPipe
	}
	if opts.Pipe == "" {
		opts.Pipe = spec.DefaultPipe
	}
	return opts, nil
}

var errNeedsPath = UsageError("option '--pipe' needs a path (try --help)")
