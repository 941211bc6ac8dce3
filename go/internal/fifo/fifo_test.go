package fifo

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/signals"
)

func TestMain(m *testing.M) {
	report.SetProgram("go-test")
	os.Exit(m.Run())
}

func mkfifo(t *testing.T, path string, mode uint32) {
	t.Helper()
	if err := syscall.Mkfifo(path, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, os.FileMode(mode)); err != nil { // past the umask
		t.Fatal(err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestPrepare(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("keep me\n"), 0640); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	mkfifo(t, fifo, 0644) // a plain mkfifo under umask 022: fine
	groupWritable := filepath.Join(dir, "group")
	mkfifo(t, groupWritable, 0660)
	openToAll := filepath.Join(dir, "all")
	mkfifo(t, openToAll, 0666)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "target"), dangling); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	tests := []struct{ path, want string }{
		{fifo, ""},
		{groupWritable, ""},
		{openToAll, openToAll + ": other users may write to it (mode 0666), so they could inject messages"},
		{file, file + ": exists and is not a named pipe"},
		{dir, dir + ": exists and is not a named pipe"},
		{sock, sock + ": exists and is not a named pipe"},
		{"/dev/null", "/dev/null: exists and is not a named pipe"},
		{link, link + ": is a symbolic link, not a named pipe"},
		{dangling, dangling + ": is a symbolic link, not a named pipe"},
		{filepath.Join(dir, "none", "p"), filepath.Join(dir, "none", "p") + ": No such file or directory"},
		{filepath.Join(file, "p"), filepath.Join(file, "p") + ": Not a directory"},
	}
	for _, tt := range tests {
		if got := errText(Prepare(tt.path)); got != tt.want {
			t.Errorf("Prepare(%s) = %q, want %q", tt.path, got, tt.want)
		}
	}
	if b, _ := os.ReadFile(file); string(b) != "keep me\n" {
		t.Errorf("the regular file was changed: %q", b)
	}
	if _, err := os.Lstat(filepath.Join(dir, "target")); !os.IsNotExist(err) {
		t.Errorf("the dangling symbolic link was followed: %v", err)
	}
	if st, _ := os.Stat(openToAll); st.Mode().Perm() != 0666 {
		t.Errorf("a refused FIFO was changed: mode %v", st.Mode())
	}
}

// A missing FIFO is created with mode 0600, whatever the umask.
func TestPrepareCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	if err := Prepare(path); err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFIFO || st.Mode&07777 != 0600 {
		t.Errorf("created mode %o, want a FIFO with 0600", st.Mode)
	}
	if err := Prepare(path); err != nil {
		t.Errorf("Prepare on its own FIFO: %v", err)
	}
}

// Another user's FIFO is refused, owner first when both checks fail; this
// needs root, to give a FIFO away.
func TestPrepareRefusesAnotherUsersFIFO(t *testing.T) {
	if syscall.Geteuid() != 0 {
		t.Skip("giving a FIFO to another user needs root (chown)")
	}
	dir := t.TempDir()
	theirs := filepath.Join(dir, "theirs")
	mkfifo(t, theirs, 0600)
	both := filepath.Join(dir, "both")
	mkfifo(t, both, 0666)
	for _, p := range []string{theirs, both} {
		if err := os.Chown(p, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		want := p + ": belongs to another user (uid 65534), who could read or inject messages"
		if got := errText(Prepare(p)); got != want {
			t.Errorf("Prepare = %q, want %q", got, want)
		}
		if _, err := OpenReader(p); errText(err) != want {
			t.Errorf("OpenReader, the fstat check: %q, want %q", errText(err), want)
		}
	}
}

// The fstat check after the open catches what changed since Lstat.
func TestOpenChecksWhatItOpened(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReader(file); errText(err) != file+": exists and is not a named pipe" {
		t.Errorf("OpenReader(file) = %v", err)
	}
	if _, err := OpenWriter(file); errText(err) != file+": exists and is not a named pipe" {
		t.Errorf("OpenWriter(file) = %v", err)
	}
	all := filepath.Join(dir, "all")
	mkfifo(t, all, 0622)
	if _, err := OpenReader(all); errText(err) != all+": other users may write to it (mode 0622), so they could inject messages" {
		t.Errorf("OpenReader(o+w) = %v", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(all, link); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReader(link); errText(err) != link+": is a symbolic link, not a named pipe" {
		t.Errorf("OpenReader(link) = %v", err)
	}
}

// lineCatcher collects report's lines and hands them to the test.
type lineCatcher chan string

func (c lineCatcher) Write(p []byte) (int, error) {
	s := bufio.NewScanner(bytes.NewReader(p))
	for s.Scan() {
		c <- s.Text()
	}
	return len(p), nil
}

func catchReports(t *testing.T) lineCatcher {
	c := make(lineCatcher, 10)
	report.SetOutput(c)
	t.Cleanup(func() { report.SetOutput(os.Stderr) })
	return c
}

func (c lineCatcher) expect(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-c:
		if got != want {
			t.Fatalf("report %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no report %q after 10s", want)
	}
}

func openRaw(t *testing.T, path string, flags int) int {
	t.Helper()
	fd, err := syscall.Open(path, flags|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fd
}

func readNow(t *testing.T, fd int) string {
	t.Helper()
	buf := make([]byte, 100)
	n, err := syscall.Read(fd, buf)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(buf[:n])
}

// The subscriber goes away: Send says so, waits for the next one with the
// waiting notice, and sends the same batch again; a frame the first
// subscriber left in the pipe reaches the second, since the old descriptor
// is kept open until the new open succeeds.
func TestWriterSendAfterSubscriberLeft(t *testing.T) {
	reports := catchReports(t)
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path, 0600)
	first := openRaw(t, path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	w, err := OpenWriter(path) // a reader is there: no notice
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	batch := framing.NewBatch()
	batch.Add([]byte("one"))
	if err := w.Send(batch); err != nil || !batch.Empty() {
		t.Fatalf("Send: %v, batch left %q", err, batch.Bytes())
	}
	if got := readNow(t, first); got != "one\n" {
		t.Fatalf("read %q", got)
	}
	batch.Add([]byte("left"))
	if err := w.Send(batch); err != nil {
		t.Fatal(err)
	}
	syscall.Close(first) // "left" stays unread in the pipe

	batch.Add([]byte("two"))
	sent := make(chan error)
	go func() { sent <- w.Send(batch) }()
	reports.expect(t, "go-test: "+path+": subscriber went away (broken pipe)")
	reports.expect(t, "go-test: "+path+": waiting for a subscriber")
	second := openRaw(t, path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	defer syscall.Close(second)
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if got := readNow(t, second); got != "left\ntwo\n" {
		t.Errorf("second subscriber read %q, want %q", got, "left\ntwo\n")
	}
	select {
	case line := <-reports:
		t.Errorf("unexpected report %q", line)
	default:
	}
}

// OpenWriter with no reader announces the wait once, then blocks until one
// comes.
func TestOpenWriterWaits(t *testing.T) {
	reports := catchReports(t)
	path := filepath.Join(t.TempDir(), "p")
	mkfifo(t, path, 0600)
	opened := make(chan error)
	go func() {
		w, err := OpenWriter(path)
		if err == nil {
			err = w.Close()
		}
		opened <- err
	}()
	reports.expect(t, "go-test: "+path+": waiting for a subscriber")
	r := openRaw(t, path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	defer syscall.Close(r)
	if err := <-opened; err != nil {
		t.Fatal(err)
	}
}

// Read tells bytes, end of file and "nothing yet" apart; Wait sleeps until
// there is something, and a stop signal wakes it.
func TestReaderReadWaitReopen(t *testing.T) {
	stop, err := signals.Install(signals.StopCleanly)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "p")
	if err := Prepare(path); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	chunk := make([]byte, framing.ReadChunk)

	w := openRaw(t, path, syscall.O_WRONLY|syscall.O_NONBLOCK)
	if n, err := r.Read(chunk); n != 0 || err != ErrNotReady {
		t.Fatalf("empty pipe with a writer: %d, %v; want ErrNotReady", n, err)
	}
	if _, err := syscall.Write(w, []byte("abc\n")); err != nil {
		t.Fatal(err)
	}
	if ready, err := r.Wait(stop); !ready || err != nil {
		t.Fatalf("Wait = %v, %v", ready, err)
	}
	if n, err := r.Read(chunk); err != nil || string(chunk[:n]) != "abc\n" {
		t.Fatalf("Read = %q, %v", chunk[:n], err)
	}
	syscall.Close(w)
	if n, err := r.Read(chunk); n != 0 || err != io.EOF {
		t.Fatalf("no writer left: %d, %v; want EOF", n, err)
	}

	// Reopen: a FIFO removed meanwhile is made again; the new descriptor
	// has had no writer, so Wait sleeps until a stop signal.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := r.Reopen(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); err != nil {
		t.Fatalf("Reopen did not make the FIFO again: %v", err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}()
	if ready, err := r.Wait(stop); ready || err != nil {
		t.Fatalf("Wait after SIGTERM = %v, %v; want false", ready, err)
	}
	if stop.ExitStatus() != 143 {
		t.Errorf("exit status %d, want 143", stop.ExitStatus())
	}

	// A file in the FIFO's place is refused at the next reopen.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0600); err != nil {
		t.Fatal(err)
	}
	if err := r.Reopen(); errText(err) != path+": exists and is not a named pipe" {
		t.Errorf("Reopen onto a file: %v", err)
	}
}

// ReadRestOfFrame takes the rest of one frame and not a byte more: up to
// its LF; up to what a writer wrote of it, or to end of file; and at most
// MessageMax+2 bytes of an overlong one. The rest stays in the pipe.
func TestReadRestOfFrame(t *testing.T) {
	long := strings.Repeat("x", 5000) + "\nb\n"
	tests := []struct {
		name, pipe string
		writerGone bool
		rest, left string
	}{
		{"up to its LF", "ree\nfour\n", false, "ree\n", "four\n"},
		{"a CR LF ending", "ree\r\nfour\n", false, "ree\r\n", "four\n"},
		{"a writer wrote part of it", "ree", false, "ree", ""},
		{"end of file", "ree", true, "ree", ""},
		{"nothing there", "", false, "", ""},
		{"an overlong frame", long, false, long[:framing.MessageMax+2], long[framing.MessageMax+2:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p")
			if err := Prepare(path); err != nil {
				t.Fatal(err)
			}
			r, err := OpenReader(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			w := openRaw(t, path, syscall.O_WRONLY|syscall.O_NONBLOCK)
			if _, err := syscall.Write(w, []byte(tt.pipe)); err != nil {
				t.Fatal(err)
			}
			if tt.writerGone {
				syscall.Close(w)
			} else {
				defer syscall.Close(w)
			}
			chunk := make([]byte, framing.ReadChunk)
			n, err := r.ReadRestOfFrame(chunk)
			if err != nil || string(chunk[:n]) != tt.rest {
				t.Errorf("ReadRestOfFrame = %q, %v; want %q", chunk[:n], err, tt.rest)
			}
			left := make([]byte, framing.ReadChunk)
			m, _ := syscall.Read(r.fd, left)
			if m < 0 {
				m = 0
			}
			if string(left[:m]) != tt.left {
				t.Errorf("left in the pipe %q, want %q", left[:m], tt.left)
			}
		})
	}
}

// With a standard stream closed, GuardStdStreams puts /dev/null there, so
// nothing opened later can take its number. Run in a child process, as it
// closes the test's own descriptor.
func TestGuardStdStreams(t *testing.T) {
	if os.Getenv("GUARD_CHILD") == "1" {
		syscall.Close(2)
		if err := GuardStdStreams(); err != nil {
			os.Exit(3)
		}
		path := filepath.Join(os.Getenv("GUARD_DIR"), "p")
		if err := Prepare(path); err != nil {
			os.Exit(4)
		}
		r, err := OpenReader(path)
		if err != nil || r.fd <= 2 {
			os.Exit(5)
		}
		var st, null syscall.Stat_t
		if syscall.Fstat(2, &st) != nil || syscall.Stat("/dev/null", &null) != nil || st.Rdev != null.Rdev {
			os.Exit(6)
		}
		os.Exit(0)
	}
	cmd := newChild(t, "TestGuardStdStreams", "GUARD_CHILD=1", "GUARD_DIR="+t.TempDir())
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v", err)
	}
}

func TestTerminalChecks(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if IsTerminal(int(r.Fd())) || InputWaiting(int(r.Fd())) {
		t.Error("an empty pipe is no terminal, and has nothing waiting")
	}
	if _, err := w.Write([]byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if !InputWaiting(int(r.Fd())) {
		t.Error("InputWaiting misses two bytes in a pipe")
	}
}
