/* cli.c: the shared command line (see cli.h), read with getopt_long(). */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>

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

/* The long options without a short one: values no character has. */
enum { OPT_VERSION = 256, OPT_ONCE, OPT_RAW };

static int missing_path(void)
{
    report("option '--pipe' needs a path (try --help)");
    return EXIT_USAGE;
}

/* getopt_long() met an option it does not know: a short one is in optopt;
   a long one is argv[optind - 1]. */
static int unknown_option(char *const argv[])
{
    if (optopt > 0 && optopt < OPT_VERSION)
        report("unknown option '-%c' (try --help)", optopt);
    else
        report("unknown option '%s' (try --help)", argv[optind - 1]);
    return EXIT_USAGE;
}

static const struct option publisher_options[] = {
    {"pipe", required_argument, NULL, 'p'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static const struct option subscriber_options[] = {
    {"pipe", required_argument, NULL, 'p'},
    {"once", no_argument, NULL, OPT_ONCE},
    {"raw", no_argument, NULL, OPT_RAW},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

int cli_parse_args(int argc, char *const argv[], enum cli_role role, const char *default_path,
                   struct cli_options *options)
{
    bool subscriber = role == CLI_SUBSCRIBER;
    const char *from_option = NULL;
    options->once = false;
    options->raw = false;

    /* "+": stop at the first argument that is not an option (options are
       read left to right, and a stray argument is an error); ":": a missing
       value comes back as ':', and we say what is wrong ourselves. Setting
       optind to 0 starts afresh, for a second parse in the same process. */
    opterr = 0;
    optind = 0;
    int option;
    while ((option = getopt_long(argc, argv, "+:p:h",
                                 subscriber ? subscriber_options : publisher_options, NULL)) != -1) {
        switch (option) {
        case 'p':
            if (optarg[0] == '\0')
                return missing_path();
            from_option = optarg;
            break;
        case 'h':
            return print_with_name("Usage: ", subscriber ? subscriber_usage : publisher_usage);
        case OPT_VERSION:
            return print_with_name("", " " PUBSUB_VERSION "\n");
        case OPT_ONCE:
            options->once = true;
            break;
        case OPT_RAW:
            options->raw = true;
            break;
        case ':':
            return missing_path();
        default:
            return unknown_option(argv);
        }
    }
    if (optind < argc) {
        report("unexpected argument '%s' (try --help)", argv[optind]);
        return EXIT_USAGE;
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
