/* io.h

   Reading and writing that survives signals and short writes, and the
   subscriber's output buffer.
*/
#ifndef FIFO_PUBSUB_IO_H
#define FIFO_PUBSUB_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Size of the chunks read from standard input and from the pipe. 64 KiB is a
   whole Linux pipe buffer, so one read() drains everything that is waiting. */
#define READ_CHUNK 65536

/* Write all n bytes, retrying after short writes and EINTR, unless SIGINT or
   SIGTERM has been received. Returns 0, or -1 with errno set. For a pipe and
   n <= PIPE_BUF the kernel makes this exactly one write() call. */
int write_all(int fd, const void *data, size_t n);

/* read() that retries after EINTR unless SIGINT or SIGTERM was received. */
ssize_t read_retry(int fd, void *buffer, size_t size);

/* Output collected in memory and written in large pieces: one write() per
   64 KiB instead of one per message while a backlog is drained. */
struct out_buffer {
    int fd;
    size_t len;
    char data[65536];
};

void out_init(struct out_buffer *out, int fd);

/* Append n bytes, writing the buffer out first when they do not fit.
   Returns 0, or -1 with errno set by a failed write. */
int out_append(struct out_buffer *out, const void *data, size_t n);

/* Write out everything held. Returns 0, or -1 with errno set. */
int out_flush(struct out_buffer *out);

#endif
