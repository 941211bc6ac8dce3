package main

import (
	"os"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args   []string
		env    string
		action action
		pipe   string
		err    string
	}{
		{nil, "", actPublish, "/tmp/mypipe", ""},
		{nil, "/tmp/env", actPublish, "/tmp/env", ""},
		{[]string{"-p", "/tmp/a"}, "/tmp/env", actPublish, "/tmp/a", ""},
		{[]string{"--pipe", "/tmp/a"}, "", actPublish, "/tmp/a", ""},
		{[]string{"--pipe=/tmp/a"}, "", actPublish, "/tmp/a", ""},
		{[]string{"--pipe=/tmp/a=b"}, "", actPublish, "/tmp/a=b", ""},
		{[]string{"-p", "/tmp/a", "--pipe", "/tmp/b"}, "", actPublish, "/tmp/b", ""},
		{[]string{"-p", "-h"}, "", actPublish, "-h", ""}, // a value, whatever it looks like
		{[]string{"-p", "-"}, "", actPublish, "-", ""},
		{[]string{"-h"}, "", actHelp, "", ""},
		{[]string{"--help"}, "", actHelp, "", ""},
		{[]string{"--version"}, "", actVersion, "", ""},
		{[]string{"--help", "--bogus"}, "", actHelp, "", ""},
		{[]string{"--version", "-h"}, "", actVersion, "", ""},
		{[]string{"-p", "/x", "--help"}, "", actHelp, "", ""},
		{[]string{"--bogus", "--help"}, "", 0, "", "unknown option '--bogus' (try --help)"},
		{[]string{"-x"}, "", 0, "", "unknown option '-x' (try --help)"},
		{[]string{"--once"}, "", 0, "", "unknown option '--once' (try --help)"},
		{[]string{"-p/tmp/a"}, "", 0, "", "unknown option '-p/tmp/a' (try --help)"},
		{[]string{"--pipe"}, "", 0, "", "option '--pipe' needs a path (try --help)"},
		{[]string{"-p"}, "", 0, "", "option '--pipe' needs a path (try --help)"},
		{[]string{"-p", ""}, "", 0, "", "option '--pipe' needs a path (try --help)"},
		{[]string{"--pipe="}, "/tmp/env", 0, "", "option '--pipe' needs a path (try --help)"},
		{[]string{"stray"}, "", 0, "", "unexpected argument 'stray' (try --help)"},
		{[]string{"-"}, "", 0, "", "unexpected argument '-' (try --help)"},
		{[]string{"--"}, "", 0, "", "unknown option '--' (try --help)"},
		{[]string{"-p", "/tmp/a", "b"}, "", 0, "", "unexpected argument 'b' (try --help)"},
	}
	for _, tt := range tests {
		opts, err := parseArgs(tt.args, tt.env)
		if tt.err != "" {
			if _, ok := err.(usageError); !ok || err.Error() != tt.err {
				t.Errorf("parseArgs(%q): error %v, want usage error %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || opts.action != tt.action || (tt.action == actPublish && opts.pipe != tt.pipe) {
			t.Errorf("parseArgs(%q, env %q) = %+v, %v; want action %d, pipe %q",
				tt.args, tt.env, opts, err, tt.action, tt.pipe)
		}
	}
}

// The usage text must be the one in PROTOCOL.md, byte for byte: the test
// suite compares the usage texts of all publishers.
func TestUsageMatchesProtocol(t *testing.T) {
	doc := string(mustRead(t, "../shared/PROTOCOL.md"))
	const fence = "```\nUsage: PROG [-p PATH | --pipe PATH] [-h | --help] [--version]\n"
	start := strings.Index(doc, fence)
	if start < 0 {
		t.Fatal("publisher usage text not found in PROTOCOL.md")
	}
	text := doc[start+len("```\n"):]
	text = text[:strings.Index(text, "```\n")]
	if want := strings.ReplaceAll(text, "PROG", progName); usage() != want {
		t.Errorf("usage text differs from PROTOCOL.md:\n%s\nwant:\n%s", usage(), want)
	}
}

func TestMain(m *testing.M) {
	// The integration tests run this test binary as the publisher itself.
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Getenv("PIPE_PATH")))
	}
	os.Exit(m.Run())
}
