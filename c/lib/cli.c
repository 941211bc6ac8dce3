/* cli.c: the shared command line (see cli.h). Hand-written rather than
   getopt_long, because the error texts must match the other languages'
   programs byte for byte. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "protocol.h"
#include "report.h"

static enum cli_result print_text(const char *text)
{
    if (write_all(STDOUT_FILENO, text, strlen(text)) < 0) {
        report("standard output: %s", strerror(errno));
        return CLI_OUTPUT_ERROR;
    }
    return CLI_DONE;
}

static enum cli_result print_version(void)
{
    const char *name = report_program();
    size_t name_len = strlen(name);
    char line[128];
    if (name_len + sizeof " " PUBSUB_VERSION "\n" > sizeof line)
        name_len = sizeof line - sizeof " " PUBSUB_VERSION "\n";
    memcpy(line, name, name_len);
    memcpy(line + name_len, " " PUBSUB_VERSION "\n", sizeof " " PUBSUB_VERSION "\n");
    return print_text(line);
}

static enum cli_result missing_path(void)
{
    report("option '--pipe' needs a path (try --help)");
    return CLI_USAGE_ERROR;
}

enum cli_result cli_parse(int argc, char *const argv[], const struct cli_spec *spec,
                          struct cli_options *options)
{
    const char *from_option = NULL;
    options->once = false;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
            return print_text(spec->usage);
        if (strcmp(arg, "--version") == 0)
            return print_version();
        if (strcmp(arg, "-p") == 0 || strcmp(arg, "--pipe") == 0) {
            if (i + 1 >= argc || argv[i + 1][0] == '\0')
                return missing_path();
            from_option = argv[++i];
        } else if (strncmp(arg, "--pipe=", 7) == 0) {
            if (arg[7] == '\0')
                return missing_path();
            from_option = arg + 7;
        } else if (spec->accepts_once && strcmp(arg, "--once") == 0) {
            options->once = true;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            report("unknown option '%s' (try --help)", arg);
            return CLI_USAGE_ERROR;
        } else {
            report("unexpected argument '%s' (try --help)", arg);
            return CLI_USAGE_ERROR;
        }
    }

    /* An empty PIPE_PATH counts as unset, as shells treat empty variables. */
    const char *from_env = getenv(PIPE_PATH_ENV);
    if (from_option != NULL)
        options->pipe_path = from_option;
    else if (from_env != NULL && from_env[0] != '\0')
        options->pipe_path = from_env;
    else
        options->pipe_path = DEFAULT_PIPE_PATH;
    return CLI_RUN;
}

int cli_exit_status(enum cli_result result)
{
    switch (result) {
    case CLI_DONE:
        return EXIT_OK;
    case CLI_USAGE_ERROR:
        return EXIT_USAGE;
    case CLI_RUN:
    case CLI_OUTPUT_ERROR:
        break;
    }
    return EXIT_RUNTIME;
}
