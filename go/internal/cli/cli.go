// Package cli reads the command line, the same options for every program
// of a role in the repository (shared/PROTOCOL.md, section 1), with the
// flag package: -p, -pipe or --pipe PATH; --once and --raw for a
// subscriber; -h or --help; --version.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"fifo-pubsub/go/internal/report"
)

// Version is printed by --version, after the program's name.
const Version = "1.0.0"

// Exit statuses shared by every program.
const (
	ExitOK      = 0
	ExitRuntime = 1 // bad pipe path, I/O failure, rejected message
	ExitUsage   = 2 // unknown option, missing value, stray argument
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

// ParseArgs reads the command line and the environment. It prints the
// help or the version and exits 0, or prints a usage error on one line
// and exits 2; else it returns the options to run with.
func ParseArgs(spec Spec) Options {
	opts, err := Parse(spec, os.Args[1:], os.Getenv("PIPE_PATH"))
	switch {
	case err != nil:
		report.Printf("%v", err)
		os.Exit(ExitUsage)
	case opts.Action == Help:
		os.Exit(printOut(Usage(spec)))
	case opts.Action == ShowVersion:
		os.Exit(printOut(spec.Program + " " + Version + "\n"))
	}
	return opts
}

func printOut(text string) int {
	if _, err := io.WriteString(os.Stdout, text); err != nil {
		report.Printf("standard output: %s", report.ErrText(err))
		return ExitRuntime
	}
	return ExitOK
}

// Parse reads the options with the flag package, which takes -name and
// --name alike, left to right. --help and --version act as soon as they
// are met, so whatever follows them is not looked at. The pipe is the last
// --pipe given, else envPipe when not empty, else spec.DefaultPipe. A
// usage error is the flag package's own text, or says which argument is
// not an option.
func Parse(spec Spec, args []string, envPipe string) (Options, error) {
	var opts Options
	fs := flag.NewFlagSet(spec.Program, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the error comes back, and is printed on one line
	fs.Usage = func() {}
	fs.Var(pathValue{&opts.Pipe}, "p", "")
	fs.Var(pathValue{&opts.Pipe}, "pipe", "")
	for _, name := range []string{"h", "help"} {
		fs.Var(actionValue{&opts.Action, Help}, name, "")
	}
	fs.Var(actionValue{&opts.Action, ShowVersion}, "version", "")
	if spec.Subscriber {
		fs.BoolVar(&opts.Once, "once", false, "")
		fs.BoolVar(&opts.Raw, "raw", false, "")
	}
	err := fs.Parse(args)
	switch {
	case opts.Action != Run:
		return Options{Action: opts.Action}, nil // it stopped the parsing
	case err != nil:
		return Options{}, err
	case fs.NArg() > 0:
		return Options{}, fmt.Errorf("unexpected argument '%s'", fs.Arg(0))
	}
	if opts.Pipe == "" {
		opts.Pipe = envPipe
	}
	if opts.Pipe == "" {
		opts.Pipe = spec.DefaultPipe
	}
	return opts, nil
}

// pathValue is the value of --pipe: a path, not empty.
type pathValue struct{ path *string }

func (v pathValue) String() string {
	if v.path == nil {
		return ""
	}
	return *v.path
}

func (v pathValue) Set(s string) error {
	if s == "" {
		return errors.New("the path is empty")
	}
	*v.path = s
	return nil
}

// actionValue is a flag such as --help that acts as soon as it is met: it
// records its action and ends the parsing with an error, which Parse then
// ignores.
type actionValue struct {
	action *Action
	is     Action
}

var errActed = errors.New("acted")

func (v actionValue) String() string   { return "" }
func (v actionValue) IsBoolFlag() bool { return true }
func (v actionValue) Set(string) error {
	*v.action = v.is
	return errActed
}
