/*
 * Publisher reads lines that a person types (or that a file or another
 * program supplies) on standard input and sends each one as a message into a
 * named pipe (FIFO), /tmp/mypipe unless --pipe or PIPE_PATH names another.
 * Its peers are the subscribers reading the same pipe: c-subscriber,
 * go-subscriber, python-subscriber, or plain `cat /tmp/mypipe`. The message
 * "exit" asks the subscriber to stop, and ends the publisher.
 *
 * Each message goes into the pipe as one frame, the message and a newline, at
 * most 4096 bytes, written with a single write(): a write that size to a pipe
 * is atomic, so frames from several publishers never mix. The pipe is opened
 * once, which waits for a subscriber; if the subscriber goes away, the
 * publisher waits for the next one and sends it what the failed write could
 * not deliver.
 *
 * The wire format is in shared/PROTOCOL.md. The same program in C, Go and
 * Python: c/publisher.c, go/cmd/publisher/publisher.go, python/publisher.py.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/fifo.h"
#include "lib/framing.h"
#include "lib/output.h"
#include "lib/protocol.h"
#include "lib/report.h"
#include "lib/signals.h"

/* The tutorial's pipe: used when neither --pipe nor PIPE_PATH names one. */
#define PIPE_NAME "/tmp/mypipe"

/* Shown to a person before each line they are about to type. */
#define PROMPT "Enter message to send: "

/* Add the frame of one message, the message and LF, to the batch; when it
   would not fit, send the batch first, so that each write() holds whole
   frames and at most FRAME_MAX bytes. Returns 0, or -1 after an error
   (reported). */
static int write_message(struct fifo_writer *pipe, struct frame_batch *batch,
                         const char *message, size_t len)
{
    if (!frame_batch_fits(batch, len) && fifo_writer_send(pipe, batch) < 0)
        return -1;
    frame_batch_add(batch, message, len);
    return 0;
}

int main(int argc, char *argv[])
{
    static struct line_reader lines;
    static struct frame_batch batch;

    /* Before anything is opened: descriptors 0-2 taken, so that the FIFO
       can never become standard output or error. */
    if (fifo_guard_std_streams() < 0)
        return EXIT_RUNTIME;
    report_set_program("c-publisher");
    struct cli_options options;
    int status = cli_parse_args(argc, argv, CLI_PUBLISHER, PIPE_NAME, &options);
    if (status != CLI_RUN)
        return status;

    /* SIGPIPE ignored: a subscriber that goes away is an EPIPE error, which
       fifo_writer_send() survives. SIGINT and SIGTERM end us at once. */
    if (signals_install(SIGNALS_EXIT_AT_ONCE) < 0) {
        report("cannot set up signal handling: %s", strerror(errno));
        return EXIT_RUNTIME;
    }

    /* Open the pipe (checked, or created), which waits for a subscriber. */
    struct fifo_writer pipe;
    if (fifo_prepare(options.pipe_path) < 0 || fifo_writer_open(&pipe, options.pipe_path) < 0)
        return EXIT_RUNTIME;

    bool interactive = isatty(STDIN_FILENO) == 1;
    bool rejected = false;
    line_reader_init(&lines, STDIN_FILENO);
    frame_batch_init(&batch);
    for (;;) {
        /* Before waiting for input, send the batch: a line must not wait for
           more input that may never come. Prompt a person about to type a
           new line, but not when typed lines are already waiting. */
        if (line_reader_would_wait(&lines)) {
            if (fifo_writer_send(&pipe, &batch) < 0)
                return EXIT_RUNTIME;
            if (interactive && !line_reader_mid_line(&lines) && output_print(PROMPT) < 0)
                return EXIT_RUNTIME;
        }

        /* Ordinary lines already read go into the batch in one piece. */
        if (line_reader_take_plain(&lines, &batch) > 0)
            continue;

        /* Read a line; at the end of input, send what the batch holds. */
        struct frame line;
        int got = line_reader_next(&lines, &line);
        if (got <= 0) {
            if (fifo_writer_send(&pipe, &batch) < 0 || got < 0)
                return EXIT_RUNTIME;
            break;
        }

        /* Check it: an empty line is skipped; one too long, or ending in CR
           (a reader would drop that CR), is refused rather than changed. */
        switch (frame_check(&line)) {
        case FRAME_EMPTY:
            continue;
        case FRAME_TOO_LONG:
            report("line %zu: message of %zu bytes is over the %d-byte limit; not sent",
                   line.number, line.len, MESSAGE_MAX);
            rejected = true;
            continue;
        case FRAME_ENDS_WITH_CR:
            report("line %zu: message ends with a carriage return, which a frame cannot "
                   "carry; not sent",
                   line.number);
            rejected = true;
            continue;
        case FRAME_OK:
            break;
        }
        if (write_message(&pipe, &batch, line.message, line.len) < 0)
            return EXIT_RUNTIME;

        /* "exit" goes out at once, and ends the publisher. */
        if (frame_is_exit(line.message, line.len)) {
            if (fifo_writer_send(&pipe, &batch) < 0)
                return EXIT_RUNTIME;
            break;
        }
    }
    return rejected ? EXIT_RUNTIME : EXIT_OK;
}
