/* subscribe.h

   The subscriber's main loop (shared/PROTOCOL.md, section 4): read frames
   from the FIFO and print each message as "Received: MESSAGE", reopening the
   FIFO whenever a publisher leaves.
*/
#ifndef FIFO_PUBSUB_SUBSCRIBE_H
#define FIFO_PUBSUB_SUBSCRIBE_H

#include <stdbool.h>

#include "framing.h"
#include "io.h"

struct subscriber {
    const char *path;              /* the FIFO */
    bool once;                     /* exit at the first end of file */
    struct out_buffer out;         /* standard output, buffered */
    struct frame_decoder frames;   /* cuts the pipe's bytes into messages */
};

void subscriber_init(struct subscriber *subscriber, const char *path, bool once, int output_fd);

/* Receive until `exit`, a signal, an error, or (with --once) end of file.
   Returns the exit status: 0, 1 (error, reported), 130 or 143. */
int subscriber_run(struct subscriber *subscriber);

/* Read the open FIFO until end of file, `exit`, a signal or an error.
   Exposed for the unit tests. */
enum drain_result { DRAIN_EOF, DRAIN_EXIT, DRAIN_SIGNAL, DRAIN_ERROR };
enum drain_result subscriber_drain(struct subscriber *subscriber, int fd);

#endif
