/* io.c: robust read and write, and the output buffer (see io.h). */
#include "io.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "signals.h"

int write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t written = write(fd, p, n);
        if (written < 0) {
            if (errno == EINTR && !signals_stop_requested())
                continue;
            return -1;
        }
        p += written;
        n -= (size_t)written;
    }
    return 0;
}

ssize_t read_retry(int fd, void *buffer, size_t size)
{
    for (;;) {
        ssize_t got = read(fd, buffer, size);
        if (got >= 0 || errno != EINTR || signals_stop_requested())
            return got;
    }
}

void out_init(struct out_buffer *out, int fd)
{
    out->fd = fd;
    out->len = 0;
}

int out_flush(struct out_buffer *out)
{
    if (out->len == 0)
        return 0;
    int result = write_all(out->fd, out->data, out->len);
    out->len = 0; /* on error the bytes cannot be delivered anyway */
    return result;
}

int out_append(struct out_buffer *out, const void *data, size_t n)
{
    if (n > sizeof out->data - out->len && out_flush(out) < 0)
        return -1;
    if (n > sizeof out->data)
        return write_all(out->fd, data, n);
    memcpy(out->data + out->len, data, n);
    out->len += n;
    return 0;
}
