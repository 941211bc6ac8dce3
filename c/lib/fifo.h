/* fifo.h

   The named pipe itself (shared/PROTOCOL.md, sections 3 and 4): keeping the
   standard streams off it, checking or creating it, opening it the careful
   way and following its path while waiting, reading it (waiting without
   using CPU) and writing it (a batch per write(), sent again after EPIPE,
   the pipe drained before it is closed).

   Every function that can fail reports its own error on standard error,
   naming the path (report.h), and returns -1: the caller only has to exit
   with status 1.
*/
#ifndef FIFO_PUBSUB_FIFO_H
#define FIFO_PUBSUB_FIFO_H

#include <stdbool.h>
#include <stddef.h>

#include "framing.h"
#include "output.h"

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

/* A publisher's end of the pipe, and the frames waiting to go into it. */
struct fifo_writer {
    const char *path;
    int fd;
    struct frame_batch batch;
};

/* Open the FIFO at PATH (already prepared) for writing, with an empty
   batch. Waits for a subscriber, saying once "PATH: waiting for a
   subscriber" when there is none yet, and follows the path meanwhile: it
   tries a non-blocking open every 0.1 s, and runs the FIFO checks again
   about once a second (fifo_prepare()), so that a FIFO removed is made
   again and a FIFO made anew is the one opened. SIGINT and SIGTERM end the
   wait (their handlers end the program). Returns 0 or -1. */
int fifo_writer_open(struct fifo_writer *writer, const char *path);

/* Write the batch into the pipe in one write() and empty it. When the
   subscriber has gone (EPIPE), say so, wait for the next one (opening the
   FIFO again as fifo_writer_open() does, and closing the old descriptor
   only then, so that frames still unread in the pipe survive), and write
   the same batch again: a write of at most PIPE_BUF bytes is all or
   nothing, so nothing is lost or sent twice. Returns 0 or -1. */
int fifo_writer_send(struct fifo_writer *writer);

/* Send what the batch holds, wait until the pipe is empty (FIONREAD says
   0 bytes are left, checked every 10 ms), then close it: frames left in a
   pipe that nobody holds open are thrown away by the kernel, so a
   subscriber restarted meanwhile would lose them. When that takes over a
   second, say once "PATH: waiting for a subscriber to take N bytes".
   Returns 0 or -1 (the descriptor is closed after an error too). */
int fifo_writer_close(struct fifo_writer *writer);

/* A subscriber's end of the pipe. */
struct fifo_reader {
    const char *path;
    int fd;
    bool fresh; /* just opened: no writer seen on it yet */
    char chunk[READ_CHUNK];
};

/* Open the FIFO at PATH (already prepared) for reading without waiting for
   a writer (the descriptor is non-blocking; fifo_reader_read() waits).
   When standard error is a terminal, say once "PATH: waiting for a
   publisher", so that a person does not take the silence for a hang.
   Returns 0 or -1. */
int fifo_reader_open(struct fifo_reader *reader, const char *path);

/* What fifo_reader_read() found. */
enum fifo_read_result {
    FIFO_ERROR = -1,  /* reported */
    FIFO_BYTES,       /* bytes, fed to the decoder */
    FIFO_END_OF_FILE, /* every writer has closed the pipe; the decoder finished */
    FIFO_STOPPED      /* a stop signal came; the decoder finished */
};

/* Read what the pipe holds and feed it to the decoder. When the pipe has
   nothing yet, flush out, then sleep in pselect() until it has bytes, end
   of file or a stop signal comes, using no CPU. Once a second meanwhile it
   follows the path while no writer has come: when the path no longer
   names the FIFO it holds (removed, or made again, or replaced by
   something else), it runs the FIFO checks again (which create a missing
   FIFO and refuse anything else) and opens what is there now, before
   closing the old descriptor.

   At end of file it finishes the decoder, so an unterminated fragment
   comes out as a message. After a stop signal, when the decoder holds the
   head of a frame, it reads the rest of that one frame and nothing more,
   one byte at a time (at most MESSAGE_MAX + 2 bytes, up to the LF, or
   until no byte is ready), feeds it and finishes the decoder
   (shared/PROTOCOL.md, section 4, step 8). */
enum fifo_read_result fifo_reader_read(struct fifo_reader *reader, struct frame_decoder *frames,
                                       struct output *out);

/* End of file: prepare and open the FIFO again, and only then close the old
   descriptor. A publisher that opens, writes and closes while only the old
   descriptor is open would otherwise leave a pipe with no reader and no
   writer, whose bytes the kernel throws away. Returns FIFO_BYTES (read
   on), or FIFO_ERROR (reported; the old descriptor is closed either way). */
enum fifo_read_result fifo_reader_reopen(struct fifo_reader *reader);

#endif
