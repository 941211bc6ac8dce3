/* publisher.c

   The publisher: read lines that a person types (or that a file or another
   program supplies) on standard input and send each one as a message into a
   named pipe, /tmp/mypipe unless told otherwise. Its peer is any subscriber
   reading the same pipe: c-subscriber, python-subscriber, or plain `cat`.
   The message "exit" asks the subscriber to stop, and ends the publisher.

   The wire format is in lib/protocol.h and shared/PROTOCOL.md: each message
   is followed by one LF and is at most 4095 bytes, so every frame fits in one
   atomic write() and publishers can share a pipe.

   Usage: c-publisher [-p PATH | --pipe PATH] [-h | --help] [--version]
*/
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/protocol.h"
#include "lib/publish.h"
#include "lib/report.h"
#include "lib/signals.h"

static const char usage[] =
    "Usage: c-publisher [-p PATH | --pipe PATH] [-h | --help] [--version]\n"
    "\n"
    "Read lines from standard input and send each one as a message into a named\n"
    "pipe (FIFO) for a subscriber to read. The message 'exit' stops the subscriber.\n"
    "\n"
    "Options:\n"
    "  -p, --pipe PATH   named pipe to write to (created with mode 0600 if missing)\n"
    "  -h, --help        print this help and exit\n"
    "      --version     print the version and exit\n"
    "\n"
    "Environment:\n"
    "  PIPE_PATH         pipe to use when --pipe is not given (default: /tmp/mypipe)\n";

int main(int argc, char *argv[])
{
    report_set_program("c-publisher");

    const struct cli_spec spec = {usage, false};
    struct cli_options options;
    enum cli_result parsed = cli_parse(argc, argv, &spec, &options);
    if (parsed != CLI_RUN)
        return cli_exit_status(parsed);

    /* SIGPIPE ignored: a vanished subscriber becomes EPIPE, which we handle.
       SIGINT and SIGTERM end the publisher at once; it holds no output. */
    if (signals_install() < 0) {
        report("cannot set up signal handling: %s", strerror(errno));
        return EXIT_RUNTIME;
    }
    signals_exit_at_once(true);

    /* Prompt only for a person: a prompt in a pipeline is noise in its output. */
    static struct publisher publisher;
    publisher_init(&publisher, options.pipe_path, STDIN_FILENO, STDOUT_FILENO,
                   isatty(STDIN_FILENO) == 1);
    return publisher_run(&publisher);
}
