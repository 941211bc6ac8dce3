package fifo

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"fifo-pubsub/go/internal/framing"
	"fifo-pubsub/go/internal/report"
	"fifo-pubsub/go/internal/signals"
	"fifo-pubsub/go/internal/testpaths"
)

func TestMain(m *testing.M) {
	report.SetProgram("go-test")
	os.Exit(m.Run())
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestPrepare(t *testing.T) {
	p := testpaths.Make(t) // its FIFO as a plain mkfifo under umask 022 makes it: fine
	dir, file, openToAll := p.Dir, p.File, p.OpenToAll
	groupWritable := filepath.Join(dir, "group")
	testpaths.Mkfifo(t, groupWritable, 0660)
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "target"), dangling); err != nil {
		t.Fatal(err)
	}

	tests := []struct{ path, want string }{
		{p.FIFO, ""},
		{groupWritable, ""},
		{openToAll, openToAll + ": other users may write to it (mode 0666), so they could inject messages"},
		{file, file + ": exists and is not a named pipe"},
		{dir, dir + ": exists and is not a named pipe"},
		{p.Sock, p.Sock + ": exists and is not a named pipe"},
		{"/dev/null", "/dev/null: exists and is not a named pipe"},
		{p.Link, p.Link + ": is a symbolic link, not a named pipe"},
		{dangling, dangling + ": is a symbolic link, not a named pipe"},
		{filepath.Join(dir, "none", "p"), filepath.Join(dir, "none", "p") + ": No such file or directory"},
		{filepath.Join(file, "p"), filepath.Join(file, "p") + ": Not a directory"},
	}
	for _, tt := range tests {
		if got := errText(Prepare(tt.path)); got != tt.want {
			t.Errorf("Prepare(%s) = %q, want %q", tt.path, got, tt.want)
		}
	}
	p.CheckFileKept(t)
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
	testpaths.Mkfifo(t, theirs, 0600)
	both := filepath.Join(dir, "both")
	testpaths.Mkfifo(t, both, 0666)
	for _, p := range []string{theirs, both} {
		if err := os.Chown(p, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		want := p + ": belongs to another user (uid 65534), who could read or inject messages"
		if got := errText(Prepare(p)); got != want {
			t.Errorf("Prepare = %q, want %q", got, want)
		}
		if _, err := OpenReader(p, nil); errText(err) != want {
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
	if _, err := OpenReader(file, nil); errText(err) != file+": exists and is not a named pipe" {
		t.Errorf("OpenReader(file) = %v", err)
	}
	if _, err := OpenWriter(file); errText(err) != file+": exists and is not a named pipe" {
		t.Errorf("OpenWriter(file) = %v", err)
	}
	all := filepath.Join(dir, "all")
	testpaths.Mkfifo(t, all, 0622)
	if _, err := OpenReader(all, nil); errText(err) != all+": other users may write to it (mode 0622), so they could inject messages" {
		t.Errorf("OpenReader(o+w) = %v", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(all, link); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReader(link, nil); errText(err) != link+": is a symbolic link, not a named pipe" {
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
	testpaths.Mkfifo(t, path, 0600)
	first := openRaw(t, path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	w, err := OpenWriter(path) // a reader is there: no notice
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	batch := w.Batch
	batch.Add([]byte("one"))
	if err := w.Send(); err != nil || !batch.Empty() {
		t.Fatalf("Send: %v, batch left %q", err, batch.Bytes())
	}
	if got := readNow(t, first); got != "one\n" {
		t.Fatalf("read %q", got)
	}
	batch.Add([]byte("left"))
	if err := w.Send(); err != nil {
		t.Fatal(err)
	}
	syscall.Close(first) // "left" stays unread in the pipe

	batch.Add([]byte("two"))
	sent := make(chan error)
	go func() { sent <- w.Send() }()
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
	testpaths.Mkfifo(t, path, 0600)
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

// flushes counts the flushes of standard output.
type flushes struct{ n int }

func (f *flushes) Flush() error { f.n++; return nil }

// messages takes every message the decoder holds.
func messages(frames *framing.Decoder) string {
	var got []string
	for m, ok := frames.Next(); ok; m, ok = frames.Next() {
		got = append(got, string(m))
	}
	return strings.Join(got, "|")
}

// openScratch makes a FIFO in a directory of the test's and opens it as
// the subscriber does.
func openScratch(t *testing.T, stop *signals.Stop) (string, *Reader) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p")
	if err := Prepare(path); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReader(path, stop)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return path, r
}

// Read gives the decoder what the pipe holds, flushing standard output
// before it sleeps; at end of file the fragment is a message; after
// Reopen it waits again, until a stop signal.
func TestReaderRead(t *testing.T) {
	stop, err := signals.Install(signals.StopCleanly)
	if err != nil {
		t.Fatal(err)
	}
	path, r := openScratch(t, stop)
	frames := framing.NewDecoder(path, nil)
	out := &flushes{}

	w := openRaw(t, path, syscall.O_WRONLY|syscall.O_NONBLOCK)
	if _, err := syscall.Write(w, []byte("abc\nde")); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Read(frames, out); got != Bytes || err != nil || messages(frames) != "abc" {
		t.Fatalf("Read = %v, %v; want Bytes and abc", got, err)
	}
	if out.n == 0 {
		t.Error("standard output was not flushed before the wait")
	}
	syscall.Close(w)
	if got, err := r.Read(frames, out); got != EndOfFile || err != nil || messages(frames) != "de" {
		t.Fatalf("Read = %v, %v; want EndOfFile and the fragment de", got, err)
	}

	// Reopen: a FIFO removed meanwhile is made again; the new descriptor
	// has had no writer, so Read sleeps until a stop signal.
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
	if got, err := r.Read(frames, out); got != Stopped || err != nil {
		t.Fatalf("Read after SIGTERM = %v, %v; want Stopped", got, err)
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

// failedOutput is a standard output that has failed.
type failedOutput struct{}

func (failedOutput) Flush() error { return errors.New("standard output: Broken pipe") }

// When standard output has failed, Read does not sleep: it says stop.
func TestReaderReadStopsWhenOutputFailed(t *testing.T) {
	stop, err := signals.Install(signals.StopCleanly)
	if err != nil {
		t.Fatal(err)
	}
	path, r := openScratch(t, stop)
	if got, err := r.Read(framing.NewDecoder(path, nil), failedOutput{}); got != Stopped || err != nil {
		t.Errorf("Read = %v, %v; want Stopped", got, err)
	}
}

// While it waits, a reader follows its path: removed, the FIFO is made
// again; replaced by a new FIFO, it moves there; replaced by anything
// else, Read fails as the checks say. Within about a second, each time.
func TestReaderFollowsPath(t *testing.T) {
	stop, err := signals.Install(signals.StopCleanly)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		replace func(path string) error // after the FIFO is removed
		err     string                  // Read's error; "" means bytes come
	}{
		{"removed", func(string) error { return nil }, ""},
		{"replaced by a new FIFO", func(p string) error { return syscall.Mkfifo(p, 0600) }, ""},
		{"replaced by a file", func(p string) error { return os.WriteFile(p, []byte("keep"), 0600) }, "exists and is not a named pipe"},
		{"replaced by a symbolic link", func(p string) error { return os.Symlink("/dev/null", p) }, "is a symbolic link, not a named pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, r := openScratch(t, stop)
			frames := framing.NewDecoder(path, nil)
			type result struct {
				got Got
				err error
			}
			done := make(chan result, 1)
			go func() {
				got, err := r.Read(frames, &flushes{})
				done <- result{got, err}
			}()
			time.Sleep(100 * time.Millisecond) // it waits on the old FIFO
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := tt.replace(path); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if tt.err == "" {
				w := openWhenReader(t, path, 3*time.Second)
				defer syscall.Close(w)
				if _, err := syscall.Write(w, []byte("hi\n")); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case res := <-done:
				want := ""
				if tt.err != "" {
					want = path + ": " + tt.err
				}
				if errText(res.err) != want || (tt.err == "" && (res.got != Bytes || messages(frames) != "hi")) {
					t.Errorf("Read = %v, %v; want %q and the message hi", res.got, res.err, want)
				}
			case <-time.After(3 * time.Second):
				t.Fatal("Read did not follow the path within 3 s")
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("it took %v to follow the path", took)
			}
		})
	}
}

// openWhenReader opens path for writing as soon as a reader holds it,
// within limit.
func openWhenReader(t *testing.T, path string, limit time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err == nil {
			return fd
		}
		if (err != syscall.ENXIO && err != syscall.ENOENT) || time.Now().After(deadline) {
			t.Fatalf("no reader on %s: %v", path, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// readRestOfFrame takes the rest of one frame and not a byte more: up to
// its LF; up to what a writer wrote of it, or to end of file; and at most
// MessageMax+2 bytes of an overlong one. The rest stays in the pipe.
func TestReadingTheRestOfAFrame(t *testing.T) {
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
			r, err := OpenReader(path, nil)
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
			n, err := r.readRestOfFrame(chunk)
			if err != nil || string(chunk[:n]) != tt.rest {
				t.Errorf("readRestOfFrame = %q, %v; want %q", chunk[:n], err, tt.rest)
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
		r, err := OpenReader(path, nil)
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

// A publisher waiting for a subscriber follows its path too: removed, the
// FIFO is made again; replaced by a new FIFO, it opens that one when a
// subscriber comes; replaced by a file, it fails and leaves it unchanged.
func TestOpenWriterFollowsPath(t *testing.T) {
	tests := []struct {
		name    string
		replace func(path string) error
		err     string // OpenWriter's error; "" means a subscriber comes
	}{
		{"removed", func(string) error { return nil }, ""},
		{"replaced by a new FIFO", func(p string) error { return syscall.Mkfifo(p, 0600) }, ""},
		{"replaced by a file", func(p string) error { return os.WriteFile(p, []byte("keep"), 0600) }, "exists and is not a named pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reports := catchReports(t)
			path := filepath.Join(t.TempDir(), "p")
			testpaths.Mkfifo(t, path, 0600)
			type result struct {
				w   *Writer
				err error
			}
			opened := make(chan result, 1)
			go func() {
				w, err := OpenWriter(path)
				opened <- result{w, err}
			}()
			reports.expect(t, "go-test: "+path+": waiting for a subscriber")
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := tt.replace(path); err != nil {
				t.Fatal(err)
			}
			var sub int
			if tt.err == "" {
				deadline := time.Now().Add(3 * time.Second)
				for !isFIFO(path) && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				sub = openRaw(t, path, syscall.O_RDONLY|syscall.O_NONBLOCK)
				defer syscall.Close(sub)
			}
			var res result
			select {
			case res = <-opened:
			case <-time.After(3 * time.Second):
				t.Fatal("OpenWriter did not follow the path within 3 s")
			}
			if tt.err != "" {
				if want := path + ": " + tt.err; errText(res.err) != want {
					t.Errorf("OpenWriter = %v, want %q", res.err, want)
				}
				if b, _ := os.ReadFile(path); string(b) != "keep" {
					t.Errorf("the file was changed: %q", b)
				}
				return
			}
			if res.err != nil {
				t.Fatal(res.err)
			}
			defer res.w.Close()
			res.w.Batch.Add([]byte("hi"))
			if err := res.w.Send(); err != nil {
				t.Fatal(err)
			}
			if got := readNow(t, sub); got != "hi\n" {
				t.Errorf("the subscriber on the new FIFO read %q", got)
			}
		})
	}
}

func isFIFO(path string) bool {
	var st syscall.Stat_t
	return syscall.Lstat(path, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFIFO
}

// Close sends the batch and waits until a subscriber has taken every byte:
// a subscriber stopped and replaced meanwhile still gets them. After a
// second it says once how many bytes wait; a subscriber that reads at
// once makes it say nothing.
func TestWriterCloseDrains(t *testing.T) {
	reports := catchReports(t)
	path := filepath.Join(t.TempDir(), "p")
	testpaths.Mkfifo(t, path, 0600)

	first := openRaw(t, path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	w, err := OpenWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Batch.Add([]byte("one"))
	closed := make(chan error, 1)
	start := time.Now()
	go func() { closed <- w.Close() }()
	reports.expect(t, "go-test: "+path+": waiting for a subscriber to take 4 bytes")
	if took := time.Since(start); took < time.Second {
		t.Errorf("the notice came after %v, before a second", took)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) with 4 bytes still in the pipe", err)
	default:
	}
	syscall.Close(first) // the subscriber dies; the bytes stay in the pipe
	second := openRaw(t, path, syscall.O_RDONLY|syscall.O_NONBLOCK)
	defer syscall.Close(second)
	if got := readNow(t, second); got != "one\n" {
		t.Errorf("the restarted subscriber read %q, want %q", got, "one\n")
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Close did not return once the pipe was empty")
	}

	// A subscriber that reads at once: no notice.
	w, err = OpenWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Batch.Add([]byte("two"))
	go func() { closed <- w.Close() }()
	waitReadable(t, second)
	if got := readNow(t, second); got != "two\n" {
		t.Errorf("read %q, want %q", got, "two\n")
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	select {
	case line := <-reports:
		t.Errorf("unexpected report %q", line)
	default:
	}
}

// waitReadable sleeps until fd has bytes to read, for 10 s at most.
func waitReadable(t *testing.T, fd int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int32
		_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), uintptr(syscall.TIOCINQ), uintptr(unsafe.Pointer(&n)))
		if errno == 0 && n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("nothing to read after 10 s")
}
