/* fifo.h

   The named pipe itself (shared/PROTOCOL.md, sections 3 and 4): keeping the
   standard streams off it, checking or creating it, opening it the careful
   way, and reading and writing it.

   Every function that can fail reports its own error on standard error,
   naming the path (report.h), and returns -1: the caller only has to exit
   with status 1.
*/
#ifndef FIFO_PUBSUB_FIFO_H
#define FIFO_PUBSUB_FIFO_H

#include <stdbool.h>
#include <stddef.h>

#include "framing.h"

/* Open /dev/null on each of descriptors 0, 1 and 2 that is closed, so that
   the FIFO, opened later, can never become standard input, output or error
   (a program started with 2>&- would otherwise write its error lines into
   the pipe, as messages). Call first thing in main(). Returns 0 or -1. */
int fifo_guard_std_streams(void);

/* Create PATH as a FIFO with mode 0600 when nothing is there; accept a FIFO
   of our own that others may not write to; refuse, changing nothing,
   anything else: another file type, a symbolic link (never followed), a
   FIFO of another user or with mode o+w. Returns 0 or -1. */
int fifo_prepare(const char *path);

/* A publisher's end of the pipe. */
struct fifo_writer {
    const char *path;
    int fd;
};

/* Open the FIFO at PATH (already prepared) for writing. Blocks until a
   reader opens it, after saying "PATH: waiting for a subscriber" when there
   is none yet. Returns 0 or -1. */
int fifo_writer_open(struct fifo_writer *writer, const char *path);

/* Write the batch into the pipe in one write() and empty it. When the
   subscriber has gone (EPIPE), say so, wait for the next one (preparing and
   opening the FIFO again, and closing the old descriptor only then, so that
   frames still unread in the pipe survive), and write the same batch again:
   a write of at most PIPE_BUF bytes is all or nothing, so nothing is lost
   or sent twice. Returns 0 or -1. */
int fifo_writer_send(struct fifo_writer *writer, struct frame_batch *batch);

/* A subscriber's end of the pipe. */
struct fifo_reader {
    const char *path;
    int fd;
    bool fresh; /* just opened: no writer seen on it yet */
};

/* Open the FIFO at PATH (already prepared) for reading without waiting for
   a writer: the descriptor is non-blocking, and fifo_reader_wait() sleeps
   until there is something to read. Returns 0 or -1. */
int fifo_reader_open(struct fifo_reader *reader, const char *path);

/* What fifo_reader_read() found. */
enum fifo_read_result {
    FIFO_READ_ERROR = -1,  /* reported */
    FIFO_BYTES,            /* *got bytes read */
    FIFO_END_OF_FILE,      /* empty, and every writer has closed it */
    FIFO_NOTHING_YET       /* empty, with a writer connected or yet to come */
};

/* Read up to size bytes without blocking. read() tells three cases apart:
   bytes; 0 when the pipe is empty and has no writer (end of file); EAGAIN
   when it is empty but a writer is connected. On a descriptor just opened,
   0 only means that no writer has come yet: FIFO_NOTHING_YET too. */
enum fifo_read_result fifo_reader_read(struct fifo_reader *reader, char *buffer, size_t size,
                                       size_t *got);

/* After a stop signal, when the bytes read so far end in the middle of a
   frame (shared/PROTOCOL.md, section 4, step 8): read the rest of that one
   frame and nothing more. Reads one byte at a time, never waiting, until
   an LF (kept in buffer), until the pipe has no byte ready (EAGAIN: a
   writer wrote part of a frame) or is at end of file, or until it has read
   MESSAGE_MAX + 2 bytes (the longest frame: a message, CR and LF) or size
   bytes without an LF. Sets *got to the bytes read, perhaps 0. Returns
   FIFO_BYTES, or FIFO_READ_ERROR (reported). */
enum fifo_read_result fifo_reader_read_rest_of_frame(struct fifo_reader *reader, char *buffer,
                                                     size_t size, size_t *got);

/* Sleep, using no CPU, until the pipe has something to read (bytes, or the
   end of file of a writer that came and went) or a stop signal has come.
   SIGINT and SIGTERM are blocked except inside pselect(), so a signal
   cannot slip in between the check and the sleep. Returns 0 or -1. */
int fifo_reader_wait(struct fifo_reader *reader);

/* End of file: prepare and open the FIFO again, and only then close the old
   descriptor. A publisher that opens, writes and closes while only the old
   descriptor is open would otherwise leave a pipe with no reader and no
   writer, whose bytes the kernel throws away. Returns 0 or -1 (the old
   descriptor is closed either way). */
int fifo_reader_reopen(struct fifo_reader *reader);

#endif
