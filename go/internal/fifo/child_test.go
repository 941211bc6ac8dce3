package fifo

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// newChild runs this test binary again, only the named test, with env
// added, and kills it after 10 seconds at most.
func newChild(t *testing.T, test string, env ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}
