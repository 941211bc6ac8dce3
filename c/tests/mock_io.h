/* mock_io.h

   The unit tests are linked with -Wl,--wrap=read,--wrap=write: every read()
   and write() the library makes comes here first. By default a call goes
   straight through to the real one; a test can make the next calls on one
   descriptor fail with an errno (EINTR, EPIPE, ...), cap how many bytes a
   read() or write() may take (a short write), raise a signal right after a
   call returns (deterministically, at that exact point), and see the sizes
   of the writes made.
*/
#ifndef FIFO_PUBSUB_TEST_MOCK_IO_H
#define FIFO_PUBSUB_TEST_MOCK_IO_H

#include <stddef.h>
#include <sys/types.h>

#define MOCK_MAX_WRITES 4096

/* As a descriptor: every one but standard input, output and error. */
#define MOCK_ANY_FD (-2)

/* Forget every injection and record. */
void mock_io_reset(void);

/* The next `times` write() calls on fd fail with errno = err. */
void mock_write_fail(int fd, int err, int times);

/* The next `times` read() calls on fd fail with errno = err. */
void mock_read_fail(int fd, int err, int times);

/* Every write() on fd takes at most max bytes (0: no cap). */
void mock_write_cap(int fd, size_t max);

/* Every read() on fd (or MOCK_ANY_FD) returns at most max bytes. */
void mock_read_cap(int fd, size_t max);

/* Raise signo right after the n-th write() (or read()) on fd from now,
   counting from 1, has returned. */
void mock_signal_after_write(int fd, int n, int signo);
void mock_signal_after_read(int fd, int n, int signo);

/* Send signo to the calling thread, now (what raise() does; named so that
   static analysers do not take it for a function that never returns). */
void mock_raise(int signo);

/* Record the size of every successful write() on fd (MOCK_ANY_FD: on every
   descriptor but 0-2). */
void mock_write_record(int fd);

/* What was recorded: number of writes, and the size of the i-th. */
size_t mock_write_count(void);
size_t mock_write_size(size_t i);

/* How many read() calls were made on fd (or MOCK_ANY_FD) since the reset. */
int mock_read_count(void);
void mock_read_count_on(int fd);

ssize_t __real_read(int fd, void *buffer, size_t size);
ssize_t __real_write(int fd, const void *data, size_t size);

#endif
