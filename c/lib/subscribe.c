/* subscribe.c: the subscriber's main loop (see subscribe.h). */
#include "subscribe.h"

#include <errno.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "fifo.h"
#include "report.h"
#include "signals.h"

/* Values the frame callbacks return to stop the decoder. */
enum { STOP_EXIT = 1, STOP_OUTPUT_ERROR = 2 };

void subscriber_init(struct subscriber *subscriber, const char *path, bool once, int output_fd)
{
    subscriber->path = path;
    subscriber->once = once;
    out_init(&subscriber->out, output_fd);
    frame_decoder_init(&subscriber->frames);
}

static int output_failed(void)
{
    /* A write given up because of SIGINT or SIGTERM is no error to report. */
    if (!(errno == EINTR && signals_stop_requested()))
        report("standard output: %s", strerror(errno));
    return STOP_OUTPUT_ERROR;
}

static int on_message(void *context, const char *message, size_t len)
{
    struct subscriber *subscriber = context;
    struct out_buffer *out = &subscriber->out;

    if (frame_is_exit(message, len)) {
        if (out_append(out, EXITING_LINE, sizeof EXITING_LINE - 1) < 0 || out_flush(out) < 0)
            return output_failed();
        return STOP_EXIT;
    }
    if (out_append(out, RECEIVED_PREFIX, sizeof RECEIVED_PREFIX - 1) < 0 ||
        out_append(out, message, len) < 0 || out_append(out, "\n", 1) < 0)
        return output_failed();
    return 0;
}

static int on_overlong(void *context, size_t len)
{
    struct subscriber *subscriber = context;
    report("%s: discarded a frame of %zu bytes, over the %d-byte limit", subscriber->path, len,
           MESSAGE_MAX);
    return 0;
}

/* Sleep until fd has something to read. SIGINT and SIGTERM are blocked
   except inside pselect(), which unblocks them atomically: a signal cannot
   slip in between checking for it and going to sleep.
   Returns 1 when fd is readable, 0 when a stop signal came, -1 on error. */
static int wait_readable(int fd)
{
    sigset_t stop_signals, old_mask;
    sigemptyset(&stop_signals);
    signals_add_stop_signals(&stop_signals);
    if (sigprocmask(SIG_BLOCK, &stop_signals, &old_mask) < 0)
        return -1;

    int result;
    for (;;) {
        if (signals_stop_requested()) {
            result = 0;
            break;
        }
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(fd, &readable);
        if (pselect(fd + 1, &readable, NULL, NULL, NULL, &old_mask) >= 0) {
            result = 1;
            break;
        }
        if (errno != EINTR) {
            result = -1;
            break;
        }
    }
    int saved_errno = errno;
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    errno = saved_errno;
    return result;
}

/* Flush standard output, since the pipe has nothing more for us, then sleep
   until it has. Returns 1 when fd is readable, 0 when a stop signal came, -1
   on an error (reported). */
static int wait_for_input(struct subscriber *subscriber, int fd)
{
    if (out_flush(&subscriber->out) < 0) {
        output_failed();
        return -1;
    }
    int ready = wait_readable(fd);
    if (ready < 0)
        report("%s: %s", subscriber->path, strerror(errno));
    return ready;
}

/* The descriptor is non-blocking, and read() tells the three cases apart:
   bytes; 0 when the pipe is empty and has no writer (end of file); EAGAIN
   when it is empty but a writer is still connected. We sleep in pselect()
   only after EAGAIN, or on a descriptor just opened, where a writer may not
   have come yet (read() would say 0 there too, too early). While a backlog
   is drained, read() keeps returning bytes and output is not flushed. */
enum drain_result subscriber_drain(struct subscriber *subscriber, int fd)
{
    static char chunk[READ_CHUNK];
    const struct frame_sink sink = {on_message, on_overlong, subscriber};
    bool must_wait = true;

    for (;;) {
        if (must_wait) {
            int ready = wait_for_input(subscriber, fd);
            if (ready <= 0)
                return ready == 0 || signals_stop_requested() ? DRAIN_SIGNAL : DRAIN_ERROR;
        }

        ssize_t got = read_retry(fd, chunk, sizeof chunk);
        if (got == 0)
            return DRAIN_EOF;
        if (got < 0 && errno == EAGAIN) {
            must_wait = true;
            continue;
        }
        if (got < 0) {
            if (signals_stop_requested())
                return DRAIN_SIGNAL;
            report("%s: %s", subscriber->path, strerror(errno));
            return DRAIN_ERROR;
        }
        must_wait = false;
        int stop = frame_decoder_feed(&subscriber->frames, chunk, (size_t)got, &sink);
        if (stop == STOP_EXIT)
            return DRAIN_EXIT;
        if (stop != 0)
            return DRAIN_ERROR;
        if (signals_stop_requested())
            return DRAIN_SIGNAL;
    }
}

/* End of file: every publisher has closed the FIFO. An unterminated fragment
   is a message too. */
static enum drain_result end_of_file(struct subscriber *subscriber)
{
    const struct frame_sink sink = {on_message, on_overlong, subscriber};
    int stop = frame_decoder_finish(&subscriber->frames, &sink);
    if (stop == STOP_EXIT)
        return DRAIN_EXIT;
    if (stop != 0)
        return DRAIN_ERROR;
    if (out_flush(&subscriber->out) < 0) {
        output_failed();
        return DRAIN_ERROR;
    }
    return DRAIN_EOF;
}

static int open_pipe(const char *path)
{
    if (fifo_prepare(path) < 0)
        return -1;
    return fifo_open_reader(path);
}

int subscriber_run(struct subscriber *subscriber)
{
    int fd = open_pipe(subscriber->path);
    if (fd < 0)
        return EXIT_RUNTIME;

    for (;;) {
        enum drain_result result = subscriber_drain(subscriber, fd);
        if (result == DRAIN_EOF)
            result = end_of_file(subscriber);

        if (result == DRAIN_EOF && !subscriber->once) {
            /* Every publisher has gone; wait for the next one. Open the FIFO
               again before closing the old descriptor: a publisher that
               writes and leaves in between would otherwise find no reader
               left when it closes, and the kernel would free its frames. */
            int next = open_pipe(subscriber->path);
            close(fd);
            if (next < 0)
                return EXIT_RUNTIME;
            fd = next;
            continue;
        }
        close(fd);

        switch (result) {
        case DRAIN_EXIT:
        case DRAIN_EOF: /* with --once */
            return EXIT_OK;
        case DRAIN_ERROR:
            if (signals_stop_requested())
                return signals_exit_status();
            out_flush(&subscriber->out);
            return EXIT_RUNTIME;
        case DRAIN_SIGNAL:
            /* Messages already taken from the pipe exist nowhere else. */
            if (out_flush(&subscriber->out) < 0)
                output_failed();
            return signals_exit_status();
        }
    }
}
