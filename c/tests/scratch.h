/* scratch.h: a fresh temporary directory for each test, and a FIFO in it. */
#ifndef FIFO_PUBSUB_TEST_SCRATCH_H
#define FIFO_PUBSUB_TEST_SCRATCH_H

/* Make a fresh temporary directory; returns its path. */
const char *scratch_dir(void);

/* Remove it and everything in it. */
void scratch_remove(void);

/* The path of a FIFO in the scratch directory, set by scratch_fifo_setup(). */
extern char scratch_fifo[256];

/* cmocka setup and teardown: a scratch directory with a FIFO named "pipe"
   (mode 0600), and the read()/write() mocks reset. */
int scratch_fifo_setup(void **state);
int scratch_fifo_teardown(void **state);

#endif
