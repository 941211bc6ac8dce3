/* fifo.h

   Making sure a path is a FIFO, and opening it the careful way
   (shared/PROTOCOL.md, sections 3 and 4).

   Every function reports its own errors on standard error, naming the path,
   and returns -1; the caller only has to exit with status 1.
*/
#ifndef FIFO_PUBSUB_FIFO_H
#define FIFO_PUBSUB_FIFO_H

/* Create PATH as a FIFO with mode 0600 when nothing is there; succeed when a
   FIFO is there; fail, changing nothing, for anything else (a symbolic link
   is never followed). Returns 0 or -1. */
int fifo_prepare(const char *path);

/* Open the FIFO at PATH for reading, without waiting for a writer: the
   descriptor is non-blocking, and the caller waits for data with poll() or
   pselect(). Returns the descriptor or -1. */
int fifo_open_reader(const char *path);

/* Open the FIFO at PATH for writing. Blocks until a reader opens it, after
   printing "PATH: waiting for a subscriber" when there is none yet.
   Returns the descriptor or -1. */
int fifo_open_writer(const char *path);

#endif
