/*
 * Subscriber reads messages from a named pipe (FIFO), /tmp/mypipe unless
 * --pipe or PIPE_PATH names another, and prints each one as
 * "Received: MESSAGE" (with --raw, the message alone). Its peers are the
 * publishers writing into the same pipe: c-publisher, go-publisher,
 * python-publisher, or anything that writes lines, such as
 * `echo hello > /tmp/mypipe`. The message "exit" stops it.
 *
 * Each message arrives as a frame, the message and a newline. One read may
 * bring many frames or part of one, so the bytes are cut into frames at each
 * newline, and handle_message (handleMessage in Go) prints every message. When
 * every publisher has closed the pipe (end of file) the subscriber opens it
 * again and waits for the next one; with --once it exits instead. One FIFO is
 * a queue, not a topic: two subscribers on one pipe share its messages, each
 * reaching only one of them.
 *
 * The wire format is in shared/PROTOCOL.md. The same program in C, Go and
 * Python: c/subscriber.c, go/cmd/subscriber/subscriber.go, python/subscriber.py.
 */
#include <stdbool.h>
#include <stddef.h>
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

/* Print one message as "Received: MESSAGE", or with --raw as the frame it
   came in; for "exit", print "Exiting..." (with --raw, "exit") and return
   STOP. Also STOP when standard output has failed (reported, and
   remembered for the exit status). Else GO_ON. */
static enum next_step handle_message(struct output *out, const char *message, size_t len,
                                     bool raw)
{
    bool is_exit = frame_is_exit(message, len);
    int printed;
    if (is_exit && !raw)
        printed = output_line(out, "", "Exiting...", 10);
    else
        printed = output_line(out, raw ? "" : "Received: ", message, len);
    return is_exit || printed < 0 ? STOP : GO_ON;
}

int main(int argc, char *argv[])
{
    static struct fifo_reader pipe;
    static struct frame_decoder frames;
    static struct output out;
    struct cli_options options;
    const char *message;
    size_t len;

    /* Descriptors 0-2 taken first, so the FIFO never becomes one of them. */
    if (fifo_guard_std_streams() < 0)
        return EXIT_RUNTIME;
    report_set_program("c-subscriber");
    int status = cli_parse_args(argc, argv, CLI_SUBSCRIBER, PIPE_NAME, &options);
    if (status != CLI_RUN)
        return status;
    /* SIGINT, SIGTERM only recorded: what was read is printed before exit. */
    signals_install(SIGNALS_RECORD);

    /* Open the pipe (checked, or made), without waiting for a publisher. */
    if (fifo_prepare(options.pipe_path) < 0 || fifo_reader_open(&pipe, options.pipe_path) < 0)
        return EXIT_RUNTIME;
    output_init(&out, STDOUT_FILENO);
    frame_decoder_init(&frames, options.pipe_path, &out);
    int got = FIFO_BYTES;
    while (got == FIFO_BYTES) {
        /* Read what the pipe holds (waiting while it is empty): frames. */
        got = fifo_reader_read(&pipe, &frames, &out);

        /* Handle each message; "exit" is the end. */
        while (frame_decoder_next(&frames, &message, &len))
            if (handle_message(&out, message, len, options.raw) == STOP)
                return output_finish(&out, EXIT_OK);

        /* End of file: open the pipe again for the next publisher. */
        if (got == FIFO_END_OF_FILE && !options.once)
            got = fifo_reader_reopen(&pipe);
    }

    /* Stopped (signal, --once or error): write out what is held, exit. */
    return output_finish(&out, got == FIFO_ERROR ? EXIT_RUNTIME : EXIT_OK);
}
