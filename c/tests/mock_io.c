/* mock_io.c: read() and write() with failures on demand (see mock_io.h). */
#include "mock_io.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

static struct {
    int write_fd, write_errno, write_times;
    int read_fd, read_errno, read_times;
    int cap_fd;
    size_t cap;
    int read_cap_fd;
    size_t read_cap;
    int signal_write_fd, signal_write_n, signal_write_signo;
    int signal_read_fd, signal_read_n, signal_read_signo;
    int record_fd;
    size_t count;
    size_t sizes[MOCK_MAX_WRITES];
    int read_count_fd, read_count;
} mock = {.write_fd = -1, .read_fd = -1, .cap_fd = -1, .read_cap_fd = -1, .record_fd = -1,
          .signal_write_fd = -1, .signal_read_fd = -1, .read_count_fd = -1};

static bool matches(int wanted, int fd)
{
    return fd == wanted || (wanted == MOCK_ANY_FD && fd > 2);
}

void mock_io_reset(void)
{
    mock.write_fd = mock.read_fd = mock.cap_fd = mock.read_cap_fd = mock.record_fd = -1;
    mock.signal_write_fd = mock.signal_read_fd = mock.read_count_fd = -1;
    mock.write_times = mock.read_times = 0;
    mock.cap = mock.read_cap = 0;
    mock.count = 0;
    mock.read_count = 0;
}

void mock_write_fail(int fd, int err, int times)
{
    mock.write_fd = fd;
    mock.write_errno = err;
    mock.write_times = times;
}

void mock_read_fail(int fd, int err, int times)
{
    mock.read_fd = fd;
    mock.read_errno = err;
    mock.read_times = times;
}

void mock_write_cap(int fd, size_t max)
{
    mock.cap_fd = fd;
    mock.cap = max;
}

void mock_read_cap(int fd, size_t max)
{
    mock.read_cap_fd = fd;
    mock.read_cap = max;
}

void mock_signal_after_write(int fd, int n, int signo)
{
    mock.signal_write_fd = fd;
    mock.signal_write_n = n;
    mock.signal_write_signo = signo;
}

void mock_signal_after_read(int fd, int n, int signo)
{
    mock.signal_read_fd = fd;
    mock.signal_read_n = n;
    mock.signal_read_signo = signo;
}

void mock_write_record(int fd)
{
    mock.record_fd = fd;
    mock.count = 0;
}

size_t mock_write_count(void) { return mock.count; }

size_t mock_write_size(size_t i) { return i < mock.count ? mock.sizes[i] : 0; }

void mock_read_count_on(int fd)
{
    mock.read_count_fd = fd;
    mock.read_count = 0;
}

int mock_read_count(void) { return mock.read_count; }

void mock_raise(int signo)
{
    if (pthread_kill(pthread_self(), signo) != 0)
        abort();
}

/* Raise the signal once the n-th call has returned, keeping its errno. */
static void count_down(int *n, int signo)
{
    if (*n > 0 && --*n == 0) {
        int saved_errno = errno;
        mock_raise(signo);
        errno = saved_errno;
    }
}

ssize_t __wrap_read(int fd, void *buffer, size_t size);
ssize_t __wrap_read(int fd, void *buffer, size_t size)
{
    if (matches(mock.read_count_fd, fd))
        mock.read_count++;
    ssize_t got;
    if (fd == mock.read_fd && mock.read_times > 0) {
        mock.read_times--;
        errno = mock.read_errno;
        got = -1;
    } else {
        if (matches(mock.read_cap_fd, fd) && mock.read_cap > 0 && size > mock.read_cap)
            size = mock.read_cap;
        got = __real_read(fd, buffer, size);
    }
    if (matches(mock.signal_read_fd, fd))
        count_down(&mock.signal_read_n, mock.signal_read_signo);
    return got;
}

ssize_t __wrap_write(int fd, const void *data, size_t size);
ssize_t __wrap_write(int fd, const void *data, size_t size)
{
    ssize_t written;
    if (fd == mock.write_fd && mock.write_times > 0) {
        mock.write_times--;
        errno = mock.write_errno;
        written = -1;
    } else {
        if (fd == mock.cap_fd && mock.cap > 0 && size > mock.cap)
            size = mock.cap;
        written = __real_write(fd, data, size);
        if (matches(mock.record_fd, fd) && written > 0 && mock.count < MOCK_MAX_WRITES)
            mock.sizes[mock.count++] = (size_t)written;
    }
    if (matches(mock.signal_write_fd, fd))
        count_down(&mock.signal_write_n, mock.signal_write_signo);
    return written;
}
