/* output.h

   The subscriber's standard output (shared/PROTOCOL.md, sections 4.3 and
   4.8): messages collected in memory and written in large pieces, one
   write() per 64 KiB rather than one per message while a backlog is
   drained, and flushed whenever the pipe is idle.

   A stop signal (SIGINT, SIGTERM) changes how it writes: a write() cut
   short by the signal is not simply continued, since standard output may be
   stalled and the person pressing Ctrl-C wants the program to end. What is
   left stays held for output_finish(), which waits for standard output
   only as long as it keeps taking bytes.

   A failure of standard output is reported once and remembered: later
   calls do nothing and return -1, and output_finish() gives status 1.

   Also output_print(), for the few fixed texts the programs print on
   standard output: --help, --version, the publisher's prompt.
*/
#ifndef FIFO_PUBSUB_OUTPUT_H
#define FIFO_PUBSUB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

/* How long standard output may take no bytes after a stop signal before
   the subscriber gives up on it and exits all the same. */
#define OUTPUT_STALL_SECONDS 2

struct output {
    int fd;
    size_t start;   /* data[start..end) is held, not yet written */
    size_t end;
    bool abandoned; /* given up after a stop signal: drop what comes */
    bool failed;    /* a write failed (reported): drop what comes */
    char data[65536];
};

void output_init(struct output *out, int fd);

/* Append n bytes, writing out what is held first when they do not fit.
   Returns 0, or -1 after an error (reported as "standard output: ERROR"). */
int output_add(struct output *out, const void *data, size_t n);

/* Append one line: prefix (a NUL-terminated text), the n bytes of message,
   and LF. Returns what output_add() returns. */
int output_line(struct output *out, const char *prefix, const char *message, size_t n);

/* Write out everything held. Returns 0, or -1 after an error (reported).
   When a stop signal has come it returns 0 at once, or after the write()
   that the signal cut short, and keeps the rest for
   output_flush_before_exit(). */
int output_flush(struct output *out);

/* After a stop signal: write out everything held, waiting in pselect() for
   standard output to take bytes, at most OUTPUT_STALL_SECONDS each time.
   Gives up, dropping the rest, when it takes nothing for that long or when
   a second stop signal comes. Returns 0 when everything was written, -1
   when it gave up or after an error (reported). */
int output_flush_before_exit(struct output *out);

/* The end: write out what is held (after a stop signal as
   output_flush_before_exit() does). Returns the exit status: 128 + the
   signal after a stop signal, else 1 when standard output failed, else
   status. */
int output_finish(struct output *out, int status);

/* Write a NUL-terminated text whole to standard output. Returns 0, or -1
   after an error (reported). */
int output_print(const char *text);

#endif
