package cli

import (
	"os"
	"strings"
	"testing"
)

var (
	pub = Spec{Program: "go-publisher", DefaultPipe: "/tmp/mypipe"}
	sub = Spec{Program: "go-subscriber", Subscriber: true, DefaultPipe: "/tmp/mypipe"}
)

func TestParse(t *testing.T) {
	tests := []struct {
		spec Spec
		args []string
		env  string
		want Options
		err  string
	}{
		{pub, nil, "", Options{Pipe: "/tmp/mypipe"}, ""},
		{pub, nil, "/tmp/env", Options{Pipe: "/tmp/env"}, ""},
		{pub, []string{"-p", "/tmp/a"}, "/tmp/env", Options{Pipe: "/tmp/a"}, ""},
		{pub, []string{"--pipe", "/tmp/a"}, "", Options{Pipe: "/tmp/a"}, ""},
		{pub, []string{"--pipe=/tmp/a"}, "", Options{Pipe: "/tmp/a"}, ""},
		{pub, []string{"--pipe=/tmp/a=b"}, "", Options{Pipe: "/tmp/a=b"}, ""},
		{pub, []string{"-p", "/tmp/a", "--pipe", "/tmp/b"}, "", Options{Pipe: "/tmp/b"}, ""},
		{pub, []string{"-p", "-h"}, "", Options{Pipe: "-h"}, ""}, // a value, whatever it looks like
		{pub, []string{"-p", "-"}, "", Options{Pipe: "-"}, ""},
		{pub, []string{"-h"}, "", Options{Action: Help}, ""},
		{pub, []string{"--help"}, "", Options{Action: Help}, ""},
		{pub, []string{"--version"}, "", Options{Action: ShowVersion}, ""},
		{pub, []string{"--help", "--bogus"}, "", Options{Action: Help}, ""},
		{pub, []string{"--version", "-h"}, "", Options{Action: ShowVersion}, ""},
		{pub, []string{"-p", "/x", "--help"}, "", Options{Action: Help}, ""},
		{pub, []string{"--bogus", "--help"}, "", Options{}, "unknown option '--bogus' (try --help)"},
		{pub, []string{"-x"}, "", Options{}, "unknown option '-x' (try --help)"},
		{pub, []string{"--once"}, "", Options{}, "unknown option '--once' (try --help)"},
		{pub, []string{"--raw"}, "", Options{}, "unknown option '--raw' (try --help)"},
		{pub, []string{"-p/tmp/a"}, "", Options{}, "unknown option '-p/tmp/a' (try --help)"},
		{pub, []string{"--pipe"}, "", Options{}, "option '--pipe' needs a path (try --help)"},
		{pub, []string{"-p"}, "", Options{}, "option '--pipe' needs a path (try --help)"},
		{pub, []string{"-p", ""}, "", Options{}, "option '--pipe' needs a path (try --help)"},
		{pub, []string{"--pipe="}, "/tmp/env", Options{}, "option '--pipe' needs a path (try --help)"},
		{pub, []string{"stray"}, "", Options{}, "unexpected argument 'stray' (try --help)"},
		{pub, []string{"-"}, "", Options{}, "unexpected argument '-' (try --help)"},
		{pub, []string{"--"}, "", Options{}, "unknown option '--' (try --help)"},
		{pub, []string{"-p", "/tmp/a", "b"}, "", Options{}, "unexpected argument 'b' (try --help)"},
		{sub, []string{"--once"}, "", Options{Pipe: "/tmp/mypipe", Once: true}, ""},
		{sub, []string{"--raw", "-p", "/tmp/a"}, "", Options{Pipe: "/tmp/a", Raw: true}, ""},
		{sub, []string{"--raw", "--once", "--raw"}, "/tmp/e", Options{Pipe: "/tmp/e", Once: true, Raw: true}, ""},
		{sub, []string{"--once=yes"}, "", Options{}, "unknown option '--once=yes' (try --help)"},
		{sub, []string{"--once", "x"}, "", Options{}, "unexpected argument 'x' (try --help)"},
		{sub, []string{"--once", "--version"}, "", Options{Action: ShowVersion}, ""},
	}
	for _, tt := range tests {
		got, err := Parse(tt.spec, tt.args, tt.env)
		if tt.err != "" {
			if _, ok := err.(UsageError); !ok || err.Error() != tt.err {
				t.Errorf("%s %q: error %v, want usage error %q", tt.spec.Program, tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s %q (PIPE_PATH %q) = %+v, %v; want %+v", tt.spec.Program, tt.args, tt.env, got, err, tt.want)
		}
	}
}

// The usage texts must be the ones in PROTOCOL.md, byte for byte: the
// interop suite compares the usage texts of all programs of a role.
func TestUsageMatchesProtocol(t *testing.T) {
	b, err := os.ReadFile("../../../shared/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, spec := range []Spec{pub, sub} {
		first := strings.SplitN(Usage(Spec{Program: "PROG", Subscriber: spec.Subscriber}), "\n", 2)[0]
		start := strings.Index(doc, "```\n"+first+"\n")
		if start < 0 {
			t.Fatalf("usage text starting %q not found in PROTOCOL.md", first)
		}
		text := doc[start+len("```\n"):]
		text = text[:strings.Index(text, "```\n")]
		if want := strings.ReplaceAll(text, "PROG", spec.Program); Usage(spec) != want {
			t.Errorf("usage text differs from PROTOCOL.md:\n%s\nwant:\n%s", Usage(spec), want)
		}
	}
}
