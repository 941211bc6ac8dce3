/* cli.h

   The command line every program in this repository shares
   (shared/PROTOCOL.md, section 1):

       <lang>-publisher  [-p PATH | --pipe PATH] [-h | --help] [--version]
       <lang>-subscriber [-p PATH | --pipe PATH] [--once] [-h | --help] [--version]
*/
#ifndef FIFO_PUBSUB_CLI_H
#define FIFO_PUBSUB_CLI_H

#include <stdbool.h>

struct cli_spec {
    const char *usage;  /* the full --help text */
    bool accepts_once;  /* only subscribers take --once */
};

struct cli_options {
    const char *pipe_path; /* --pipe, else $PIPE_PATH, else the default */
    bool once;
};

enum cli_result {
    CLI_RUN,         /* options are in *options: go ahead */
    CLI_DONE,        /* --help or --version was printed: exit 0 */
    CLI_USAGE_ERROR, /* a one-line error was printed: exit 2 */
    CLI_OUTPUT_ERROR /* --help or --version could not be printed: exit 1 */
};

/* Parse argv left to right. Reports errors itself (report.h). */
enum cli_result cli_parse(int argc, char *const argv[], const struct cli_spec *spec,
                          struct cli_options *options);

/* The exit status for a result other than CLI_RUN: 0, 2 or 1. */
int cli_exit_status(enum cli_result result);

#endif
