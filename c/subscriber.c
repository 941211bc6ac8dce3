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
 * newline, never taken a read at a time. When every publisher has closed the
 * pipe (end of file) the subscriber opens it again and waits for the next one;
 * with --once it exits instead. One FIFO is a queue, not a topic: two
 * subscribers on one pipe share its messages, each reaching only one of them.
 *
 * The wire format is in shared/PROTOCOL.md. The same program in C, Go and
 * Python: c/subscriber.c, go/cmd/subscriber/subscriber.go, python/subscriber.py.
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

enum { HANDLED = 0, STOP = 1 }; /* what handle_message() returns, or -1 */

/* Print one message as "Received: MESSAGE", or with --raw as the frame it
   came in; or, for "exit", print "Exiting..." (with --raw, "exit") and
   return STOP. Returns -1 when standard output fails (reported). */
static int handle_message(struct output *out, const char *message, size_t len, bool raw)
{
    bool is_exit = frame_is_exit(message, len);
    if (is_exit && !raw)
        return output_line(out, "", "Exiting...", 10) < 0 ? -1 : STOP;
    if (output_line(out, raw ? "" : "Received: ", message, len) < 0)
        return -1;
    return is_exit ? STOP : HANDLED;
}

int main(int argc, char *argv[])
{
    static char chunk[READ_CHUNK];
    static struct frame_decoder decoder;
    static struct output out;

    /* Before anything is opened: descriptors 0-2 taken, so that the FIFO
       can never become standard output or error. */
    if (fifo_guard_std_streams() < 0)
        return EXIT_RUNTIME;
    report_set_program("c-subscriber");
    struct cli_options options;
    int status = cli_parse_args(argc, argv, CLI_SUBSCRIBER, PIPE_NAME, &options);
    if (status != CLI_RUN)
        return status;

    /* SIGPIPE ignored, so a closed standard output is an error we report.
       SIGINT and SIGTERM are only recorded: messages already taken from the
       pipe exist nowhere else, and are printed before we exit. */
    if (signals_install(SIGNALS_RECORD) < 0) {
        report("cannot set up signal handling: %s", strerror(errno));
        return EXIT_RUNTIME;
    }

    /* Open the pipe (checked, or created) without waiting for a publisher,
       and tell a person at a terminal why nothing happens yet. */
    struct fifo_reader pipe;
    if (fifo_prepare(options.pipe_path) < 0 || fifo_reader_open(&pipe, options.pipe_path) < 0)
        return EXIT_RUNTIME;
    if (isatty(STDERR_FILENO) == 1)
        report("%s: waiting for a publisher", options.pipe_path);

    output_init(&out, STDOUT_FILENO);
    frame_decoder_init(&decoder);
    status = EXIT_OK;
    int handled = HANDLED;
    /* Until a stop signal; after it, one last pass if the bytes read end in
       the middle of a frame: it reads the rest of that frame and nothing
       more, then the input ends (PROTOCOL.md 4.8), so no message is cut. */
    for (bool last = signals_stop_requested();
         status == EXIT_OK && handled == HANDLED && (!last || frame_decoder_mid_frame(&decoder));
         last = signals_stop_requested()) {
        /* Read what the pipe holds: bytes, end of file, or nothing yet. */
        size_t got;
        enum fifo_read_result result =
            last ? fifo_reader_read_rest_of_frame(&pipe, chunk, sizeof chunk, &got)
                 : fifo_reader_read(&pipe, chunk, sizeof chunk, &got);
        if (result == FIFO_READ_ERROR) {
            status = EXIT_RUNTIME;
        } else if (result == FIFO_NOTHING_YET) {
            /* Idle: flush standard output, then sleep until the pipe has
               bytes or a stop signal comes. */
            if (output_flush(&out) < 0 || fifo_reader_wait(&pipe) < 0)
                status = EXIT_RUNTIME;
            continue;
        }

        /* Cut the bytes into frames (at end of file, or after the last
           pass, an unterminated fragment is one too) and handle every one,
           even after a stop signal: this chunk is out of the pipe and
           exists nowhere else. */
        if (result == FIFO_BYTES)
            frame_decoder_feed(&decoder, chunk, got);
        if (result != FIFO_BYTES || last)
            frame_decoder_finish(&decoder);
        struct frame frame;
        while (handled == HANDLED && frame_decoder_next(&decoder, &frame)) {
            if (frame.overlong)
                report("%s: discarded a frame of %zu bytes, over the %d-byte limit",
                       options.pipe_path, frame.len, MESSAGE_MAX);
            else
                handled = handle_message(&out, frame.message, frame.len, options.raw);
        }

        /* End of file: every publisher has closed the pipe. With --once that
           is the end; otherwise open it again (before closing it) and wait
           for the next publisher. */
        if (result == FIFO_END_OF_FILE && handled == HANDLED) {
            if (options.once)
                break;
            if (output_flush(&out) < 0 || fifo_reader_reopen(&pipe) < 0)
                status = EXIT_RUNTIME;
        }
    }
    if (handled < 0 || (status == EXIT_OK && output_flush(&out) < 0))
        status = EXIT_RUNTIME;

    /* Stopped by SIGINT or SIGTERM: write out what was taken from the pipe
       (giving up if standard output stalls), then exit 130 or 143. */
    if (status == EXIT_OK && signals_stop_requested()) {
        (void)output_flush_before_exit(&out);
        return signals_exit_status();
    }
    return status;
}
