package main

// End-to-end tests: the subscriber, built from this directory, against
// real FIFOs that the tests write into. Every process is killed after 10
// seconds at most, so that a hang fails the test instead of stopping it.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"fifo-pubsub/go/internal/testbin"
)

// binary is the subscriber built by TestMain.
var binary string

func TestMain(m *testing.M) { testbin.Main(m, "go-subscriber", &binary) }

// proc is the subscriber running as a child process.
type proc struct {
	t              *testing.T
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

// start runs the subscriber with args; stdout nil means a buffer.
func start(t *testing.T, stdout *os.File, args ...string) *proc {
	t.Helper()
	return startProgram(t, binary, stdout, args...)
}

// startProgram is start for the program at path prog.
func startProgram(t *testing.T, prog string, stdout *os.File, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	p := &proc{t: t, cmd: exec.CommandContext(ctx, prog, args...)}
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if stdout != nil {
		p.cmd.Stdout = stdout
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

// wait waits for the exit and returns the status.
func (p *proc) wait() int {
	p.t.Helper()
	err := p.cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		p.t.Fatal(err)
	}
	return p.cmd.ProcessState.ExitCode()
}

// openWriter opens the FIFO at path for writing once the subscriber has
// made it and holds it open, as a publisher would, within 10 seconds.
func openWriter(t *testing.T, path string) *os.File {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err == nil {
			if err := syscall.SetNonblock(fd, false); err != nil {
				t.Fatal(err)
			}
			return os.NewFile(uintptr(fd), path)
		}
		if (err != syscall.ENXIO && err != syscall.ENOENT) || time.Now().After(deadline) {
			t.Fatalf("no subscriber on %s: %v", path, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// publish writes data into the FIFO as one publisher and closes it. A
// subscriber that stops at "exit" may leave the rest unread: EPIPE then
// is no failure.
func publish(t *testing.T, path string, data []byte) {
	t.Helper()
	w := openWriter(t, path)
	if _, err := w.Write(data); err != nil && !errors.Is(err, syscall.EPIPE) {
		t.Error(err)
	}
	w.Close()
}

func vectorDir() string { return "../../../shared/vectors" }

func fill(s, path string) string {
	return strings.NewReplacer("{prog}", "go-subscriber", "{pipe}", path).Replace(s)
}
