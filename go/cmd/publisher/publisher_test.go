package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fifo-pubsub/go/internal/testbin"
	"fifo-pubsub/go/internal/testpaths"
)

func TestRefusesWhatIsNotAFIFO(t *testing.T) {
	paths := testpaths.Make(t)
	tests := []struct{ path, want string }{
		{paths.File, "exists and is not a named pipe"},
		{paths.Dir, "exists and is not a named pipe"},
		{paths.Sock, "exists and is not a named pipe"},
		{paths.Link, "is a symbolic link, not a named pipe"},
		{paths.OpenToAll, "other users may write to it (mode 0666), so they could inject messages"},
		{filepath.Join(paths.Dir, "none", "p"), "No such file or directory"},
	}
	for _, tt := range tests {
		p := start(t, strings.NewReader("a\n"), nil, "-p", tt.path)
		status, stderr := p.wait()
		want := []string{fmt.Sprintf("go-publisher: %s: %s", tt.path, tt.want)}
		if status != 1 || !equal(stderr, want) || p.stdout.Len() != 0 {
			t.Errorf("%s: status %d, stderr %q, stdout %q; want 1, %q", tt.path, status, stderr, p.stdout.String(), want)
		}
	}
	paths.CheckFileKept(t)
}

// A missing FIFO is created with mode 0600, the wait for a subscriber is
// announced once, and the messages arrive framed; "exit" ends it.
func TestCreatesFIFOAndWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	p := start(t, strings.NewReader("hello\nexit\nnever\n"), nil, "--pipe="+path)
	p.expect("go-publisher: " + path + ": waiting for a subscriber")
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFIFO || st.Mode&07777 != 0600 {
		t.Errorf("created mode %o, want a FIFO with 0600", st.Mode)
	}
	r := openReader(t, path)
	defer r.Close()
	if got := readAll(t, r); string(got) != "hello\nexit\n" {
		t.Errorf("subscriber read %q, want %q", got, "hello\nexit\n")
	}
	if status, rest := p.wait(); status != 0 || len(rest) != 0 || p.stdout.Len() != 0 {
		t.Errorf("status %d, stderr %q, stdout %q; want 0 and nothing", status, rest, p.stdout.String())
	}
}

// Every golden vector of standard input, with a subscriber already there:
// no notice, the .pipe bytes in whole frames, the .err lines, no prompt.
func TestVectorsIntoFIFO(t *testing.T) {
	ins, _ := filepath.Glob("../../../shared/vectors/*.in")
	for _, in := range ins {
		base := strings.TrimSuffix(in, ".in")
		want, err := os.ReadFile(base + ".pipe")
		if err != nil {
			continue // a raw case, for subscribers only
		}
		t.Run(filepath.Base(base), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p")
			mkfifo(t, path)
			r := openReader(t, path)
			defer r.Close()
			f, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			p := start(t, f, []string{"PIPE_PATH=" + path})
			if got := readAll(t, r); !bytes.Equal(got, want) {
				t.Errorf("pipe bytes differ from %s.pipe (%d bytes, want %d)", filepath.Base(base), len(got), len(want))
			}
			var wantErr []string
			wantStatus := 0
			if b, err := os.ReadFile(base + ".err"); err == nil {
				wantErr = strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(b), "{prog}", "go-publisher"), "\n"), "\n")
				wantStatus = 1
			}
			if status, rest := p.wait(); status != wantStatus || !equal(rest, wantErr) || p.stdout.Len() != 0 {
				t.Errorf("status %d, stderr %q, stdout %q; want %d, %q", status, rest, p.stdout.String(), wantStatus, wantErr)
			}
		})
	}
}

// The subscriber goes away: the publisher survives SIGPIPE, waits for the
// next one, and sends again. A frame the first subscriber left in the
// pipe reaches the second, because the publisher kept the pipe open.
func TestSubscriberGoesAway(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	r1 := openReader(t, path)
	p := start(t, nil, nil, "-p", path)
	p.send("one\n")
	if got := readN(t, r1, 4); got != "one\n" {
		t.Fatalf("first subscriber read %q", got)
	}
	p.send("left\n")
	waitUnread(t, r1, 5)
	r1.Close()

	p.send("two\n") // this write meets EPIPE
	p.expect("go-publisher: " + path + ": subscriber went away (broken pipe)")
	p.expect("go-publisher: " + path + ": waiting for a subscriber")
	r2 := openReader(t, path)
	defer r2.Close()
	p.send("exit\n")
	if got, want := readAll(t, r2), "left\ntwo\nexit\n"; string(got) != want {
		t.Errorf("second subscriber read %q, want %q", got, want)
	}
	if status, rest := p.wait(); status != 0 || len(rest) != 0 {
		t.Errorf("status %d, stderr %q; want 0 and nothing more", status, rest)
	}
}

func TestSignalsWhileWaiting(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143} {
		path := filepath.Join(t.TempDir(), "p")
		p := start(t, nil, nil, "-p", path)
		p.expect("go-publisher: " + path + ": waiting for a subscriber")
		if err := p.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if status, rest := p.wait(); status != want || len(rest) != 0 {
			t.Errorf("%v: status %d, stderr %q; want %d and nothing", sig, status, rest, want)
		}
	}
}

func TestCommandLine(t *testing.T) {
	help, err := os.ReadFile("../../../shared/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	usage := "Usage: go-publisher [-p PATH | --pipe PATH] [-h | --help] [--version]\n"
	if !bytes.Contains(bytes.ReplaceAll(help, []byte("PROG"), []byte("go-publisher")), []byte(usage)) {
		t.Fatal("PROTOCOL.md has no publisher usage line")
	}
	tests := []struct {
		args   []string
		status int
		stdout string // a prefix
		stderr []string
	}{
		{[]string{"--help"}, 0, usage, nil},
		{[]string{"-h", "--bogus"}, 0, usage, nil},
		{[]string{"--version"}, 0, "go-publisher 1.0.0\n", nil},
		{[]string{"-version"}, 0, "go-publisher 1.0.0\n", nil},
		{[]string{"--bogus"}, 2, "", []string{"go-publisher: flag provided but not defined: -bogus"}},
		{[]string{"--once"}, 2, "", []string{"go-publisher: flag provided but not defined: -once"}},
		{[]string{"-p"}, 2, "", []string{"go-publisher: flag needs an argument: -p"}},
		{[]string{"--pipe", ""}, 2, "", []string{`go-publisher: invalid value "" for flag -pipe: the path is empty`}},
		{[]string{"x"}, 2, "", []string{"go-publisher: unexpected argument 'x'"}},
	}
	for _, tt := range tests {
		p := start(t, strings.NewReader(""), nil, tt.args...)
		status, stderr := p.wait()
		if status != tt.status || !strings.HasPrefix(p.stdout.String(), tt.stdout) || (tt.stdout == "" && p.stdout.Len() > 0) || !equal(stderr, tt.stderr) {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want %d, %q, %q",
				tt.args, status, p.stdout.String(), stderr, tt.status, tt.stdout, tt.stderr)
		}
	}
}

// With standard error closed, the FIFO must not become descriptor 2: the
// error line about a rejected line would go into the pipe as a message.
func TestStderrClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	r := openReader(t, path)
	defer r.Close()
	in := "a\n" + strings.Repeat("x", 5000) + "\nb\n"
	cmd := exec.Command("sh", "-c", `exec timeout 10 "$0" -p "$1" 2>&-`, binary, path)
	cmd.Stdin = strings.NewReader(in)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, r); string(got) != "a\nb\n" {
		t.Errorf("pipe got %q, want %q", got, "a\nb\n")
	}
	err := cmd.Wait()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1 (a line was rejected)", err)
	}
}

// startAtTerminal runs the publisher with a pseudo-terminal as standard
// input and a pipe as standard output, so that the test can read each
// prompt before it types the next line.
func startAtTerminal(t *testing.T, path string) (p *proc, keyboard io.Writer, terminal, stdout *os.File) {
	master, slave, err := openPty()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close(); slave.Close() })
	go io.Copy(io.Discard, master) // the terminal's echo
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	p = startWithOutput(t, slave, w, nil, "-p", path)
	w.Close() // the publisher has its own copy
	return p, master, slave, r
}

// expectOutput reads exactly want from f, within 10 seconds.
func expectOutput(t *testing.T, f *os.File, want string) {
	t.Helper()
	if err := f.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(want))
	if n, err := io.ReadFull(f, buf); err != nil || string(buf) != want {
		t.Fatalf("standard output %q (%v), want %q", buf[:n], err, want)
	}
}

func typeLine(t *testing.T, keyboard io.Writer, line string) {
	t.Helper()
	if _, err := io.WriteString(keyboard, line); err != nil {
		t.Fatal(err)
	}
}

// After the publisher exits, standard output holds nothing more.
func expectNoMoreOutput(t *testing.T, p *proc, stdout *os.File) {
	t.Helper()
	status, rest := p.wait()
	more, err := io.ReadAll(stdout)
	if status != 0 || len(rest) != 0 || len(more) != 0 || err != nil {
		t.Errorf("status %d, stderr %q, more output %q (%v); want 0 and nothing", status, rest, more, err)
	}
}

// At a terminal the publisher prompts on stdout before each line it waits
// for.
func TestPromptAtTerminal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	r := openReader(t, path)
	defer r.Close()
	p, keyboard, _, stdout := startAtTerminal(t, path)
	for _, line := range []string{"hi\n", "exit\n"} {
		expectOutput(t, stdout, Prompt)
		typeLine(t, keyboard, line)
		if got := readN(t, r, len(line)); got != line {
			t.Fatalf("read %q, want %q", got, line)
		}
	}
	expectNoMoreOutput(t, p, stdout)
}

// Lines typed while the publisher waited for a subscriber are sent without
// a prompt each, so prompts never pile up; the next line gets one.
func TestNoPromptForTypedLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	p, keyboard, terminal, stdout := startAtTerminal(t, path)
	p.expect("go-publisher: " + path + ": waiting for a subscriber")
	typeLine(t, keyboard, "early\nbird\n")
	waitUnread(t, terminal, len("early\nbird\n")) // the lines are waiting
	r := openReader(t, path)
	defer r.Close()
	if got := readN(t, r, len("early\nbird\n")); got != "early\nbird\n" {
		t.Fatalf("read %q", got)
	}
	expectOutput(t, stdout, Prompt)
	typeLine(t, keyboard, "exit\n")
	if got := readN(t, r, 5); got != "exit\n" {
		t.Fatalf("read %q", got)
	}
	expectNoMoreOutput(t, p, stdout)
}

// At the end of its input the publisher waits until a subscriber has taken
// every frame before it closes the pipe: a subscriber stalled, then
// restarted, still gets them all. After a second it says so, once.
func TestWaitsUntilThePipeIsEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	stalled := openReader(t, path)
	in := strings.Repeat("message\n", 500)
	p := start(t, strings.NewReader(in), nil, "-p", path)
	waitUnread(t, stalled, len(in))
	p.expect(fmt.Sprintf("go-publisher: %s: waiting for a subscriber to take %d bytes", path, len(in)))
	stalled.Close() // the subscriber dies; the frames stay in the pipe
	restarted := openReader(t, path)
	defer restarted.Close()
	if got := readAll(t, restarted); string(got) != in {
		t.Errorf("the restarted subscriber read %d bytes, want all %d", len(got), len(in))
	}
	if status, rest := p.wait(); status != 0 || len(rest) != 0 {
		t.Errorf("status %d, stderr %q; want 0 and nothing more", status, rest)
	}
}

// SIGINT and SIGTERM end a publisher at once while it waits for the pipe
// to empty.
func TestSignalsWhileDraining(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143} {
		path := filepath.Join(t.TempDir(), "p")
		mkfifo(t, path)
		stalled := openReader(t, path)
		p := start(t, strings.NewReader("a\nb\n"), nil, "-p", path)
		waitUnread(t, stalled, 4)
		time.Sleep(50 * time.Millisecond) // in Close, waiting
		if err := p.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if status, rest := p.wait(); status != want || len(rest) != 0 {
			t.Errorf("%v: status %d, stderr %q; want %d and nothing", sig, status, rest, want)
		}
		stalled.Close()
	}
}

// While it waits for a subscriber, the publisher follows its path: a FIFO
// removed and made again (as `rm -f P; mkfifo P` does) is the one it
// opens when a subscriber comes; a file put there ends it with status 1.
func TestFollowsThePathWhileWaiting(t *testing.T) {
	for _, tt := range testbin.Replacements {
		t.Run(tt.Name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p")
			p := start(t, strings.NewReader("hi\nexit\n"), nil, "-p", path)
			p.expect("go-publisher: " + path + ": waiting for a subscriber")
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := tt.Replace(path); err != nil {
				t.Fatal(err)
			}
			if tt.Err != "" {
				status, rest := p.wait()
				if want := []string{"go-publisher: " + path + ": " + tt.Err}; status != 1 || !equal(rest, want) {
					t.Errorf("status %d, stderr %q; want 1, %q", status, rest, want)
				}
				return
			}
			waitUntilFIFO(t, path)
			r := openReader(t, path)
			defer r.Close()
			if got := readAll(t, r); string(got) != "hi\nexit\n" {
				t.Errorf("subscriber read %q", got)
			}
			if status, rest := p.wait(); status != 0 || len(rest) != 0 {
				t.Errorf("status %d, stderr %q; want 0 and nothing more", status, rest)
			}
		})
	}
}

func waitUntilFIFO(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		var st syscall.Stat_t
		if syscall.Lstat(path, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFIFO {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no FIFO at %s after 3 s", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A learner's first exercise: tag each message in WriteMessage. The edit
// shows on every message sent, since every message goes through it.
func TestEditedWriteMessageSeesEveryMessage(t *testing.T) {
	edited := testbin.BuildEdited(t, "go-publisher", "publisher.go",
		"func WriteMessage(pipe *fifo.Writer, message []byte) error {\n",
		"func WriteMessage(pipe *fifo.Writer, message []byte) error {\n\tmessage = append([]byte(\"tag:\"), message...)\n")
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	r := openReader(t, path)
	defer r.Close()
	in := testbin.Numbered(3000) + "\nexit\n"
	p := startProgram(t, edited, strings.NewReader(in), nil, nil, "-p", path)
	got := strings.Split(strings.TrimSuffix(string(readAll(t, r)), "\n"), "\n")
	if last := got[len(got)-1]; last != "tag:exit" {
		t.Errorf("last frame %q, want tag:exit", last)
	}
	testbin.ExpectNumbered(t, got[:len(got)-1], 3000, "tag:%s")
	if status, rest := p.wait(); status != 0 || len(rest) != 0 {
		t.Errorf("status %d, stderr %q", status, rest)
	}
}

// Ctrl-D at the prompt ends the input; a newline after the prompt lets the
// shell's prompt start on a line of its own.
func TestCtrlDAtThePrompt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path)
	r := openReader(t, path)
	defer r.Close()
	p, keyboard, _, stdout := startAtTerminal(t, path)
	expectOutput(t, stdout, Prompt)
	typeLine(t, keyboard, "hi\n")
	if got := readN(t, r, 3); got != "hi\n" {
		t.Fatalf("read %q", got)
	}
	expectOutput(t, stdout, Prompt)
	typeLine(t, keyboard, "\x04") // Ctrl-D
	expectOutput(t, stdout, "\n")
	expectNoMoreOutput(t, p, stdout)
}
