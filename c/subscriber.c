/* subscriber.c

   The subscriber: read messages from a named pipe, /tmp/mypipe unless told
   otherwise, and print each one as "Received: MESSAGE". Its peers are the
   publishers writing into the same pipe: c-publisher, go-publisher, or
   anything that writes lines, such as `printf 'hello\n' > /tmp/mypipe`.
   The message "exit" stops it. When every publisher has gone it waits for
   the next one (with --once, it exits instead).

   The wire format is in lib/protocol.h and shared/PROTOCOL.md. One FIFO is a
   queue, not a topic: two subscribers on one pipe share its messages, each
   message reaching only one of them.

   Usage: c-subscriber [-p PATH | --pipe PATH] [--once] [-h | --help] [--version]
*/
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/protocol.h"
#include "lib/report.h"
#include "lib/signals.h"
#include "lib/subscribe.h"

static const char usage[] =
    "Usage: c-subscriber [-p PATH | --pipe PATH] [--once] [-h | --help] [--version]\n"
    "\n"
    "Read messages from a named pipe (FIFO) and print each one as\n"
    "'Received: MESSAGE'. The message 'exit' stops it.\n"
    "\n"
    "Options:\n"
    "  -p, --pipe PATH   named pipe to read from (created with mode 0600 if missing)\n"
    "      --once        exit at the first end of file instead of waiting for the\n"
    "                    next publisher\n"
    "  -h, --help        print this help and exit\n"
    "      --version     print the version and exit\n"
    "\n"
    "Environment:\n"
    "  PIPE_PATH         pipe to use when --pipe is not given (default: /tmp/mypipe)\n";

int main(int argc, char *argv[])
{
    report_set_program("c-subscriber");

    const struct cli_spec spec = {usage, true};
    struct cli_options options;
    enum cli_result parsed = cli_parse(argc, argv, &spec, &options);
    if (parsed != CLI_RUN)
        return cli_exit_status(parsed);

    /* SIGPIPE ignored: a closed standard output becomes an EPIPE error that
       we report. SIGINT and SIGTERM are recorded, so that messages already
       taken from the pipe are printed before we exit. */
    if (signals_install() < 0) {
        report("cannot set up signal handling: %s", strerror(errno));
        return EXIT_RUNTIME;
    }
    signals_exit_at_once(false);

    static struct subscriber subscriber;
    subscriber_init(&subscriber, options.pipe_path, options.once, STDOUT_FILENO);
    return subscriber_run(&subscriber);
}
