/* publish.c: the publisher's main loop (see publish.h). */
#include "publish.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fifo.h"
#include "io.h"
#include "report.h"

/* Values the line callbacks return to stop the decoder. */
enum { STOP_EXIT_SENT = 1, STOP_ERROR = 2 };

void publisher_init(struct publisher *publisher, const char *path, int input_fd,
                    int prompt_fd, bool interactive)
{
    publisher->path = path;
    publisher->input_fd = input_fd;
    publisher->prompt_fd = prompt_fd;
    publisher->interactive = interactive;
    publisher->pipe_fd = -1;
    publisher->rejected = false;
    frame_batch_init(&publisher->batch);
    frame_decoder_init(&publisher->lines);
}

static int open_pipe(const char *path)
{
    if (fifo_prepare(path) < 0)
        return -1;
    return fifo_open_writer(path);
}

/* The subscriber went away. Open the FIFO again, which waits for the next
   one, and only then close the old descriptor: while any descriptor is open
   the kernel keeps the frames still unread in the pipe, and the next
   subscriber receives them instead of their being thrown away. */
static int reconnect(struct publisher *publisher)
{
    report("%s: subscriber went away (broken pipe)", publisher->path);
    int fd = open_pipe(publisher->path);
    if (fd < 0)
        return -1;
    close(publisher->pipe_fd);
    publisher->pipe_fd = fd;
    return 0;
}

int publisher_send_batch(struct publisher *publisher)
{
    struct frame_batch *batch = &publisher->batch;
    while (batch->len > 0) {
        /* At most FRAME_MAX = PIPE_BUF bytes, so the kernel takes it whole
           or not at all: after EPIPE, none of it reached the pipe. */
        if (write_all(publisher->pipe_fd, batch->data, batch->len) == 0) {
            batch->len = 0;
        } else if (errno != EPIPE) {
            report("%s: %s", publisher->path, strerror(errno));
            return -1;
        } else if (reconnect(publisher) < 0) {
            return -1;
        }
    }
    return 0;
}

static int on_line(void *context, const char *line, size_t len)
{
    struct publisher *publisher = context;
    size_t number = frame_decoder_line(&publisher->lines);

    /* The decoder skips empty lines and reports long ones through
       on_long_line(), so only the trailing CR is left to check here. */
    if (frame_check(line, len) == FRAME_ENDS_WITH_CR) {
        report("line %zu: message ends with a carriage return, which a frame cannot carry; "
               "not sent",
               number);
        publisher->rejected = true;
        return 0;
    }
    if (!frame_batch_fits(&publisher->batch, len) && publisher_send_batch(publisher) < 0)
        return STOP_ERROR;
    frame_batch_add(&publisher->batch, line, len);

    if (frame_is_exit(line, len))
        return publisher_send_batch(publisher) < 0 ? STOP_ERROR : STOP_EXIT_SENT;
    return 0;
}

static int on_long_line(void *context, size_t len)
{
    struct publisher *publisher = context;
    report("line %zu: message of %zu bytes is over the %d-byte limit; not sent",
           frame_decoder_line(&publisher->lines), len, MESSAGE_MAX);
    publisher->rejected = true;
    return 0;
}

/* Prompt before each line a person types; not in the middle of one (after
   Ctrl-D on a half-typed line, say). */
static int show_prompt(const struct publisher *publisher)
{
    if (!publisher->interactive || frame_decoder_mid_frame(&publisher->lines))
        return 0;
    if (write_all(publisher->prompt_fd, PROMPT, sizeof PROMPT - 1) < 0) {
        report("standard output: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int finish(struct publisher *publisher, int stop)
{
    if (stop == STOP_ERROR)
        return EXIT_RUNTIME;
    return publisher->rejected ? EXIT_RUNTIME : EXIT_OK;
}

int publisher_run(struct publisher *publisher)
{
    static char chunk[READ_CHUNK];
    const struct frame_sink sink = {on_line, on_long_line, publisher};

    publisher->pipe_fd = open_pipe(publisher->path);
    if (publisher->pipe_fd < 0)
        return EXIT_RUNTIME;

    for (;;) {
        if (show_prompt(publisher) < 0)
            return EXIT_RUNTIME;

        /* A terminal in canonical mode returns one line per read(); a file
           or a pipe returns as much as is waiting, often many lines. */
        ssize_t got = read_retry(publisher->input_fd, chunk, sizeof chunk);
        if (got < 0) {
            report("standard input: %s", strerror(errno));
            publisher_send_batch(publisher);
            return EXIT_RUNTIME;
        }

        int stop = got == 0
                       ? frame_decoder_finish(&publisher->lines, &sink)
                       : frame_decoder_feed(&publisher->lines, chunk, (size_t)got, &sink);
        if (stop != 0)
            return finish(publisher, stop);

        /* Whatever this chunk left in the batch goes now: a person's line
           must not wait for more input that may never come. */
        if (publisher_send_batch(publisher) < 0)
            return EXIT_RUNTIME;
        if (got == 0)
            return finish(publisher, 0);
    }
}
