package cli

import "strings"

// The usage texts of shared/PROTOCOL.md, section 1, with PROG standing for
// the program's name; the tests compare them with the document.

const publisherUsage = `Usage: PROG [-p PATH | --pipe PATH] [-h | --help] [--version]

Read lines from standard input and send each one as a message into a named
pipe (FIFO) for a subscriber to read. The message 'exit' stops the subscriber.

Options:
  -p, --pipe PATH   named pipe to write to (created with mode 0600 if missing)
  -h, --help        print this help and exit
      --version     print the version and exit

Environment:
  PIPE_PATH         pipe to use when --pipe is not given (default: /tmp/mypipe)
`

const subscriberUsage = `Usage: PROG [-p PATH | --pipe PATH] [--once] [--raw] [-h | --help] [--version]

Read messages from a named pipe (FIFO) and print each one as
'Received: MESSAGE'. The message 'exit' stops it.

Options:
  -p, --pipe PATH   named pipe to read from (created with mode 0600 if missing)
      --once        exit at the first end of file instead of waiting for the
                    next publisher
      --raw         print each message alone on its line, without 'Received: '
                    and without 'Exiting...', to feed another program
  -h, --help        print this help and exit
      --version     print the version and exit

Environment:
  PIPE_PATH         pipe to use when --pipe is not given (default: /tmp/mypipe)
`

// Usage is the text --help prints.
func Usage(spec Spec) string {
	text := publisherUsage
	if spec.Subscriber {
		text = subscriberUsage
	}
	return strings.ReplaceAll(text, "PROG", spec.Program)
}
