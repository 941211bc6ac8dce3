/* signals.h

   How the programs stop on SIGINT and SIGTERM (exit status 130 and 143), and
   why SIGPIPE is ignored.

   SIGPIPE's default action kills a process that writes to a pipe nobody reads.
   Ignoring it turns that into an EPIPE error from write(), which a publisher
   handles by waiting for the next subscriber.

   A SIGINT or SIGTERM handler either ends the process at once (while the
   program holds nothing that would be lost: waiting in open(), say) or only
   records the signal, for the main loop to finish its output and exit.
*/
#ifndef FIFO_PUBSUB_SIGNALS_H
#define FIFO_PUBSUB_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/* Ignore SIGPIPE; catch SIGINT and SIGTERM. Returns 0, or -1 with errno. */
int signals_install(void);

/* While true, SIGINT and SIGTERM end the process at once with 128 + signal.
   While false, they are recorded for signals_stop_requested(). */
void signals_exit_at_once(bool at_once);

/* The signal received while exit_at_once was false, or 0. */
int signals_stop_requested(void);

/* 128 + the signal received: the exit status the contract asks for. */
int signals_exit_status(void);

/* Add SIGINT and SIGTERM to a set, e.g. to block them around pselect(). */
void signals_add_stop_signals(sigset_t *set);

#endif
