/* cli.h

   The command line every program in this repository shares, and its usage
   texts (shared/PROTOCOL.md, section 1):

       <lang>-publisher  [-p PATH | --pipe PATH] [-h | --help] [--version]
       <lang>-subscriber [-p PATH | --pipe PATH] [--once] [--raw] [-h | --help] [--version]
*/
#ifndef FIFO_PUBSUB_CLI_H
#define FIFO_PUBSUB_CLI_H

#include <stdbool.h>

enum cli_role { CLI_PUBLISHER, CLI_SUBSCRIBER };

struct cli_options {
    const char *pipe_path; /* --pipe, else $PIPE_PATH, else the default */
    bool once;             /* subscriber: exit at the first end of file */
    bool raw;              /* subscriber: print each message alone */
};

/* What cli_parse_args() returns when the program should go on; any other
   value is the status to exit with. */
#define CLI_RUN (-1)

/* Parse argv left to right for a program of this role, whose name is the
   one given to report_set_program(). default_path is the pipe to use when
   neither --pipe nor PIPE_PATH names one. Returns CLI_RUN with *options
   filled in; or the exit status: 0 after printing --help or --version, 2
   after a usage error, 1 when the text could not be printed (each error
   reported in one line). */
int cli_parse_args(int argc, char *const argv[], enum cli_role role, const char *default_path,
                   struct cli_options *options);

#endif
