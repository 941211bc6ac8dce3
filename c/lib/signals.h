/* signals.h

   How the programs stop on SIGINT and SIGTERM (exit status 130 and 143), and
   why SIGPIPE is ignored (shared/PROTOCOL.md, sections 3.8 and 4.8).

   SIGPIPE's default action kills a process that writes to a pipe nobody
   reads. Ignoring it turns that into an EPIPE error from write(), which a
   publisher handles by waiting for the next subscriber, and a subscriber
   reports as an error on standard output.

   A publisher holds nothing that a stop signal would lose, so SIGINT and
   SIGTERM end it at once. A subscriber may hold messages it has taken from
   the pipe and not yet printed, which exist nowhere else: its handler only
   records the signal, and the main loop writes them out before it exits.
*/
#ifndef FIFO_PUBSUB_SIGNALS_H
#define FIFO_PUBSUB_SIGNALS_H

#include <signal.h>

enum signals_stop {
    SIGNALS_EXIT_AT_ONCE, /* _exit(128 + signal) in the handler */
    SIGNALS_RECORD        /* record it for signals_stop_requested() */
};

/* Ignore SIGPIPE; catch SIGINT and SIGTERM, without SA_RESTART, so that a
   write() blocked on a stalled standard output returns. Forgets any signal
   recorded before. It cannot fail: sigaction() refuses only signals that
   cannot be caught or do not exist, and these three can and do. */
void signals_install(enum signals_stop stop);

/* The first stop signal recorded, or 0. */
int signals_stop_requested(void);

/* How many stop signals have been recorded: a second one means "now". */
int signals_stop_count(void);

/* 128 + the first stop signal: the exit status the protocol asks for. */
int signals_exit_status(void);

/* Add SIGINT and SIGTERM to a set, to block them around pselect(). */
void signals_add_stop_signals(sigset_t *set);

#endif
