/* capture.h: catch what the library prints on standard error, so that the
   tests can assert the exact error lines of shared/PROTOCOL.md. */
#ifndef FIFO_PUBSUB_TEST_CAPTURE_H
#define FIFO_PUBSUB_TEST_CAPTURE_H

/* Send standard error to a temporary file until capture_end(). */
void capture_begin(void);

/* Restore standard error; return what was written meanwhile
   (NUL-terminated, valid until the next capture_begin()). */
const char *capture_end(void);

#endif
