/*
 * Publisher reads lines that a person types (or that a file or another
 * program supplies) on standard input and sends each one as a message into a
 * named pipe (FIFO), /tmp/mypipe unless --pipe or PIPE_PATH names another.
 * Its peers are the subscribers reading the same pipe: c-subscriber,
 * go-subscriber, python-subscriber, or plain `cat /tmp/mypipe`. The message
 * "exit" asks the subscriber to stop, and ends the publisher.
 *
 * Each message goes into the pipe as one frame, the message and a newline.
 * write_message (WriteMessage in Go) adds the frame to a batch, and the batch
 * goes into the pipe in a single write() of at most 4096 bytes: a write that
 * size to a pipe is atomic, so frames from several publishers never mix. The
 * batch is sent when the next frame does not fit, before the publisher waits
 * for more input, and at the end. Opening the pipe waits for a subscriber; if
 * the subscriber goes away, the publisher waits for the next one and sends it
 * what the failed write could not deliver. Before it closes the pipe it waits
 * until a subscriber has taken every frame.
 *
 * The wire format is in shared/PROTOCOL.md. The same program in C, Go and
 * Python: c/publisher.c, go/cmd/publisher/publisher.go, python/publisher.py.
 */
#include <stddef.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/fifo.h"
#include "lib/framing.h"
#include "lib/lines.h"
#include "lib/protocol.h"
#include "lib/report.h"
#include "lib/signals.h"

/* The tutorial's pipe: used when neither --pipe nor PIPE_PATH names one. */
#define PIPE_NAME "/tmp/mypipe"

/* Shown to a person before each line they are about to type. */
#define PROMPT "Enter message to send: "

/* Add the frame of one message, the message and LF, to the pipe's batch;
   when the batch has no room for it, send the batch first. Returns 0, or
   -1 after an error (reported). */
static int write_message(struct fifo_writer *pipe, const char *message, size_t len)
{
    if (!frame_batch_fits(&pipe->batch, len) && fifo_writer_send(pipe) < 0)
        return -1;
    frame_batch_add(&pipe->batch, message, len);
    return 0;
}

int main(int argc, char *argv[])
{
    static struct line_reader lines;
    static struct fifo_writer pipe;
    struct cli_options options;
    const char *message;
    size_t len;

    /* Descriptors 0-2 taken first, so the FIFO never becomes one of them. */
    if (fifo_guard_std_streams() < 0)
        return EXIT_RUNTIME;
    report_set_program("c-publisher");
    int status = cli_parse_args(argc, argv, CLI_PUBLISHER, PIPE_NAME, &options);
    if (status != CLI_RUN)
        return status;
    /* SIGPIPE ignored: a subscriber gone is EPIPE, which sending survives. */
    signals_install(SIGNALS_EXIT_AT_ONCE);

    /* Open the pipe (checked, or created): this waits for a subscriber. */
    if (fifo_prepare(options.pipe_path) < 0 || fifo_writer_open(&pipe, options.pipe_path) < 0)
        return EXIT_RUNTIME;

    /* Read a line (prompting a person) and write it, until "exit" or EOF. */
    line_reader_init(&lines, STDIN_FILENO, PROMPT);
    int got;
    while ((got = line_reader_next(&lines, &pipe, &message, &len)) > 0) {
        if (write_message(&pipe, message, len) < 0)
            return EXIT_RUNTIME;
        if (frame_is_exit(message, len))
            break;
    }

    /* Send what is left, wait until a subscriber has taken it all, close. */
    if (fifo_writer_close(&pipe) < 0 || got < 0)
        return EXIT_RUNTIME;
    return lines.rejected > 0 ? EXIT_RUNTIME : EXIT_OK;
}
