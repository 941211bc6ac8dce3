/* publish.h

   The publisher's main loop (shared/PROTOCOL.md, section 3): read lines from
   standard input and write them as frames into the FIFO, surviving the
   subscriber going away.
*/
#ifndef FIFO_PUBSUB_PUBLISH_H
#define FIFO_PUBSUB_PUBLISH_H

#include <stdbool.h>

#include "framing.h"

struct publisher {
    const char *path;      /* the FIFO */
    int input_fd;          /* where lines come from: standard input */
    int prompt_fd;         /* where the prompt goes: standard output */
    bool interactive;      /* a person is typing: prompt, and send at once */
    int pipe_fd;           /* the FIFO, once open; -1 before */
    bool rejected;         /* a line was refused: the exit status will be 1 */
    struct frame_batch batch;     /* frames waiting for their write() */
    struct frame_decoder lines;   /* cuts standard input into lines */
};

void publisher_init(struct publisher *publisher, const char *path, int input_fd,
                    int prompt_fd, bool interactive);

/* Open the FIFO and publish until `exit` or end of input. Returns the exit
   status: 0, or 1 after a rejected line or an error (already reported). */
int publisher_run(struct publisher *publisher);

/* Write the batch into the FIFO in one write(); after EPIPE, wait for a new
   subscriber and write the same batch again. Returns 0 or -1 (reported).
   Exposed for the unit tests. */
int publisher_send_batch(struct publisher *publisher);

#endif
