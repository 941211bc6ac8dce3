/* cli.c: the shared command line (see cli.h). Hand-written rather than
   getopt_long, because the error texts must match the other languages'
   programs byte for byte. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "protocol.h"
#include "report.h"

/* The usage texts of shared/PROTOCOL.md, section 1, after "Usage: PROG". */
static const char publisher_usage[] =
    " [-p PATH | --pipe PATH] [-h | --help] [--version]\n"
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

static const char subscriber_usage[] =
    " [-p PATH | --pipe PATH] [--once] [--raw] [-h | --help] [--version]\n"
    "\n"
    "Read messages from a named pipe (FIFO) and print each one as\n"
    "'Received: MESSAGE'. The message 'exit' stops it.\n"
    "\n"
    "Options:\n"
    "  -p, --pipe PATH   named pipe to read from (created with mode 0600 if missing)\n"
    "      --once        exit at the first end of file instead of waiting for the\n"
    "                    next publisher\n"
    "      --raw         print each message alone on its line, without 'Received: '\n"
    "                    and without 'Exiting...', to feed another program\n"
    "  -h, --help        print this help and exit\n"
    "      --version     print the version and exit\n"
    "\n"
    "Environment:\n"
    "  PIPE_PATH         pipe to use when --pipe is not given (default: /tmp/mypipe)\n";

/* Print "PROG" between two texts on standard output: 0 when done, 1 when
   standard output failed (reported). */
static int print_with_name(const char *before, const char *after)
{
    if (output_print(before) < 0 || output_print(report_program()) < 0 ||
        output_print(after) < 0)
        return EXIT_RUNTIME;
    return EXIT_OK;
}

static int missing_path(void)
{
    report("option '--pipe' needs a path (try --help)");
    return EXIT_USAGE;
}

int cli_parse_args(int argc, char *const argv[], enum cli_role role, const char *default_path,
                   struct cli_options *options)
{
    const char *usage = role == CLI_SUBSCRIBER ? subscriber_usage : publisher_usage;
    const char *from_option = NULL;
    options->once = false;
    options->raw = false;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
            return print_with_name("Usage: ", usage);
        if (strcmp(arg, "--version") == 0)
            return print_with_name("", " " PUBSUB_VERSION "\n");
        if (strcmp(arg, "-p") == 0 || strcmp(arg, "--pipe") == 0) {
            if (i + 1 >= argc || argv[i + 1][0] == '\0')
                return missing_path();
            from_option = argv[++i];
        } else if (strncmp(arg, "--pipe=", 7) == 0) {
            if (arg[7] == '\0')
                return missing_path();
            from_option = arg + 7;
        } else if (role == CLI_SUBSCRIBER && strcmp(arg, "--once") == 0) {
            options->once = true;
        } else if (role == CLI_SUBSCRIBER && strcmp(arg, "--raw") == 0) {
            options->raw = true;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            report("unknown option '%s' (try --help)", arg);
            return EXIT_USAGE;
        } else {
            report("unexpected argument '%s' (try --help)", arg);
            return EXIT_USAGE;
        }
    }

    /* An empty PIPE_PATH counts as unset, as shells treat empty variables. */
    const char *from_env = getenv(PIPE_PATH_ENV);
    if (from_option != NULL)
        options->pipe_path = from_option;
    else if (from_env != NULL && from_env[0] != '\0')
        options->pipe_path = from_env;
    else
        options->pipe_path = default_path;
    return CLI_RUN;
}
