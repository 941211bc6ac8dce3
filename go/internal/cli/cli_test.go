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

// Parse with the flag package: -name and --name alike, a value after the
// flag or after "=", the last --pipe winning; --help and --version acting
// as soon as they are met; a usage error in flag's own words, or naming
// the stray argument.
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
		{pub, []string{"-pipe", "/tmp/a"}, "", Options{Pipe: "/tmp/a"}, ""},
		{pub, []string{"--pipe=/tmp/a"}, "", Options{Pipe: "/tmp/a"}, ""},
		{pub, []string{"--pipe=/tmp/a=b"}, "", Options{Pipe: "/tmp/a=b"}, ""},
		{pub, []string{"-p", "/tmp/a", "--pipe", "/tmp/b"}, "", Options{Pipe: "/tmp/b"}, ""},
		{pub, []string{"-p", "-h"}, "", Options{Pipe: "-h"}, ""}, // a value, whatever it looks like
		{pub, []string{"-p", "-"}, "", Options{Pipe: "-"}, ""},
		{pub, []string{"-h"}, "", Options{Action: Help}, ""},
		{pub, []string{"-help"}, "", Options{Action: Help}, ""},
		{pub, []string{"--help"}, "", Options{Action: Help}, ""},
		{pub, []string{"--version"}, "", Options{Action: ShowVersion}, ""},
		{pub, []string{"-version"}, "", Options{Action: ShowVersion}, ""},
		{pub, []string{"--help", "--bogus"}, "", Options{Action: Help}, ""},
		{pub, []string{"--help", "stray"}, "", Options{Action: Help}, ""},
		{pub, []string{"--version", "-h"}, "", Options{Action: ShowVersion}, ""},
		{pub, []string{"-p", "/x", "--help"}, "", Options{Action: Help}, ""},
		{pub, []string{"--bogus", "--help"}, "", Options{}, "flag provided but not defined: -bogus"},
		{pub, []string{"-x"}, "", Options{}, "flag provided but not defined: -x"},
		{pub, []string{"--once"}, "", Options{}, "flag provided but not defined: -once"},
		{pub, []string{"--raw"}, "", Options{}, "flag provided but not defined: -raw"},
		{pub, []string{"-p/tmp/a"}, "", Options{}, "flag provided but not defined: -p/tmp/a"},
		{pub, []string{"--pipe"}, "", Options{}, "flag needs an argument: -pipe"},
		{pub, []string{"-p"}, "", Options{}, "flag needs an argument: -p"},
		{pub, []string{"-p", ""}, "", Options{}, `invalid value "" for flag -p: the path is empty`},
		{pub, []string{"--pipe="}, "/tmp/env", Options{}, `invalid value "" for flag -pipe: the path is empty`},
		{pub, []string{"stray"}, "", Options{}, "unexpected argument 'stray'"},
		{pub, []string{"-"}, "", Options{}, "unexpected argument '-'"},
		{pub, []string{"--", "-p"}, "", Options{}, "unexpected argument '-p'"},
		{pub, []string{"-p", "/tmp/a", "b"}, "", Options{}, "unexpected argument 'b'"},
		{sub, []string{"--once"}, "", Options{Pipe: "/tmp/mypipe", Once: true}, ""},
		{sub, []string{"-once", "-raw"}, "", Options{Pipe: "/tmp/mypipe", Once: true, Raw: true}, ""},
		{sub, []string{"--raw", "-p", "/tmp/a"}, "", Options{Pipe: "/tmp/a", Raw: true}, ""},
		{sub, []string{"--raw", "--once", "--raw"}, "/tmp/e", Options{Pipe: "/tmp/e", Once: true, Raw: true}, ""},
		{sub, []string{"--once=yes"}, "", Options{}, `invalid boolean value "yes" for -once: parse error`},
		{sub, []string{"--once", "x"}, "", Options{}, "unexpected argument 'x'"},
		{sub, []string{"--once", "--version"}, "", Options{Action: ShowVersion}, ""},
	}
	for _, tt := range tests {
		got, err := Parse(tt.spec, tt.args, tt.env)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s %q: error %v, want %q", tt.spec.Program, tt.args, err, tt.err)
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
