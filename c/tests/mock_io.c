/* mock_io.c: read() and write() with failures on demand (see mock_io.h). */
#include "mock_io.h"

#include <errno.h>
#include <stdbool.h>

static struct {
    int write_fd, write_errno, write_times;
    int read_fd, read_errno, read_times;
    int cap_fd;
    size_t cap;
    int record_fd;
    size_t count;
    size_t sizes[MOCK_MAX_WRITES];
} mock = {.write_fd = -1, .read_fd = -1, .cap_fd = -1, .record_fd = -1};

void mock_io_reset(void)
{
    mock.write_fd = mock.read_fd = mock.cap_fd = mock.record_fd = -1;
    mock.write_times = mock.read_times = 0;
    mock.cap = 0;
    mock.count = 0;
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

void mock_write_record(int fd)
{
    mock.record_fd = fd;
    mock.count = 0;
}

size_t mock_write_count(void) { return mock.count; }

size_t mock_write_size(size_t i) { return i < mock.count ? mock.sizes[i] : 0; }

ssize_t __wrap_read(int fd, void *buffer, size_t size);
ssize_t __wrap_read(int fd, void *buffer, size_t size)
{
    if (fd == mock.read_fd && mock.read_times > 0) {
        mock.read_times--;
        errno = mock.read_errno;
        return -1;
    }
    return __real_read(fd, buffer, size);
}

ssize_t __wrap_write(int fd, const void *data, size_t size);
ssize_t __wrap_write(int fd, const void *data, size_t size)
{
    if (fd == mock.write_fd && mock.write_times > 0) {
        mock.write_times--;
        errno = mock.write_errno;
        return -1;
    }
    if (fd == mock.cap_fd && mock.cap > 0 && size > mock.cap)
        size = mock.cap;
    ssize_t written = __real_write(fd, data, size);
    bool recorded = fd == mock.record_fd || (mock.record_fd == MOCK_ANY_FD && fd != 2);
    if (recorded && written > 0 && mock.count < MOCK_MAX_WRITES)
        mock.sizes[mock.count++] = (size_t)written;
    return written;
}
