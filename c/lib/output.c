/* output.c: the subscriber's standard output (see output.h). */
#include "output.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "protocol.h"
#include "report.h"
#include "signals.h"

void output_init(struct output *out, int fd)
{
    out->fd = fd;
    out->start = 0;
    out->end = 0;
    out->abandoned = false;
    out->failed = false;
}

/* Report a failed write once, and drop whatever is held or comes later. */
static int output_failed(struct output *out)
{
    if (!out->failed)
        report("standard output: %s", strerror(errno));
    out->failed = true;
    out->start = out->end = 0;
    return -1;
}

static int print_failed(void)
{
    report("standard output: %s", strerror(errno));
    return -1;
}

int output_flush(struct output *out)
{
    /* The stop flag is looked at before every write(), above all after a
       short one: a signal that cut a write short would otherwise be
       ignored while the rest waits on a stalled standard output. */
    if (out->failed)
        return -1;
    while (out->start < out->end && !signals_stop_requested()) {
        ssize_t written = write(out->fd, out->data + out->start, out->end - out->start);
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0)
            return output_failed(out);
        out->start += (size_t)written;
    }
    if (out->start == out->end)
        out->start = out->end = 0;
    return 0;
}

/* Sleep until fd can take bytes, with SIGINT and SIGTERM unblocked only
   inside pselect() (they are blocked in *wait_mask's complement). Returns 1
   when it can, 0 when it took nothing for OUTPUT_STALL_SECONDS or a second
   stop signal came, -1 on an error. */
static int wait_writable(int fd, const sigset_t *wait_mask)
{
    for (;;) {
        if (signals_stop_count() > 1)
            return 0;
        fd_set writable;
        FD_ZERO(&writable);
        FD_SET(fd, &writable);
        struct timespec stall = {OUTPUT_STALL_SECONDS, 0};
        int ready = pselect(fd + 1, NULL, &writable, NULL, &stall, wait_mask);
        if (ready >= 0)
            return ready > 0 && signals_stop_count() <= 1;
        if (errno != EINTR)
            return -1;
    }
}

int output_flush_before_exit(struct output *out)
{
    sigset_t stop_signals, unblocked;
    sigemptyset(&stop_signals);
    signals_add_stop_signals(&stop_signals);
    if (out->failed)
        return -1;
    if (sigprocmask(SIG_BLOCK, &stop_signals, &unblocked) < 0)
        return output_failed(out);

    int result = 0;
    while (out->start < out->end && !out->abandoned) {
        int ready = wait_writable(out->fd, &unblocked);
        if (ready <= 0) {
            result = ready < 0 ? output_failed(out) : -1;
            out->abandoned = true;
            break;
        }
        /* At most PIPE_BUF bytes: into a pipe that pselect() called
           writable, a write that size never blocks. Stop signals are
           unblocked during it, so that a second one ends a write that
           blocks all the same (a terminal stopped with Ctrl-S). */
        size_t n = out->end - out->start;
        if (n > PIPE_BUF)
            n = PIPE_BUF;
        (void)sigprocmask(SIG_SETMASK, &unblocked, NULL);
        ssize_t written = write(out->fd, out->data + out->start, n);
        int write_errno = errno;
        (void)sigprocmask(SIG_BLOCK, &stop_signals, NULL);
        errno = write_errno;
        if (written < 0 && errno != EINTR && errno != EAGAIN) {
            result = output_failed(out);
            out->abandoned = true;
            break;
        }
        if (written > 0)
            out->start += (size_t)written;
    }
    if (out->abandoned || out->start == out->end)
        out->start = out->end = 0;
    (void)sigprocmask(SIG_SETMASK, &unblocked, NULL);
    return result;
}

int output_add(struct output *out, const void *data, size_t n)
{
    /* The common case, once per piece of every message: it fits. */
    if (out->failed)
        return -1;
    if (n <= sizeof out->data - out->end) {
        memcpy(out->data + out->end, data, n);
        out->end += n;
        return 0;
    }

    const char *bytes = data;
    while (n > 0 && !out->abandoned) {
        size_t part = sizeof out->data - out->end;
        if (part > n)
            part = n;
        memcpy(out->data + out->end, bytes, part);
        out->end += part;
        bytes += part;
        n -= part;
        if (n == 0)
            break;

        /* Full. After a stop signal, what output_flush() leaves held is
           written the patient way: the messages exist nowhere else. */
        if (output_flush(out) < 0)
            return -1;
        if (out->start < out->end && output_flush_before_exit(out) < 0 && !out->abandoned)
            return -1;
    }
    return 0;
}

int output_line(struct output *out, const char *prefix, const char *message, size_t n)
{
    size_t prefix_len = strlen(prefix);
    if (prefix_len + n < sizeof out->data - out->end && !out->failed) { /* the common case */
        char *end = out->data + out->end;
        memcpy(end, prefix, prefix_len);
        memcpy(end + prefix_len, message, n);
        end[prefix_len + n] = '\n';
        out->end += prefix_len + n + 1;
        return 0;
    }
    if (output_add(out, prefix, prefix_len) < 0 || output_add(out, message, n) < 0)
        return -1;
    return output_add(out, "\n", 1);
}

int output_finish(struct output *out, int status)
{
    if (signals_stop_requested()) {
        (void)output_flush_before_exit(out);
        return signals_exit_status();
    }
    if (output_flush(out) < 0)
        return EXIT_RUNTIME;
    return status;
}

int output_print(const char *text)
{
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t written = write(STDOUT_FILENO, text, n);
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0)
            return print_failed();
        text += written;
        n -= (size_t)written;
    }
    return 0;
}
