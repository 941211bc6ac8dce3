/* protocol.h

   The wire format shared by every publisher and subscriber in this
   repository, whatever their language. shared/PROTOCOL.md is the full
   description; these are the numbers the C code needs.

   A frame is a message followed by one LF. A message is 1 to 4095 arbitrary
   bytes other than LF. 4095 bytes plus the LF is exactly PIPE_BUF (4096 on
   Linux), and POSIX guarantees that a write() of at most PIPE_BUF bytes to a
   pipe is atomic, so frames from several publishers never interleave.
*/
#ifndef FIFO_PUBSUB_PROTOCOL_H
#define FIFO_PUBSUB_PROTOCOL_H

#define DEFAULT_PIPE_PATH "/tmp/mypipe" /* the tutorial's path */
#define PIPE_PATH_ENV "PIPE_PATH"

#define MESSAGE_MAX 4095   /* longest message, in bytes */
#define FRAME_MAX 4096     /* MESSAGE_MAX plus the LF; at most PIPE_BUF */
#define EXIT_MESSAGE "exit" /* asks the subscriber to stop */

#define RECEIVED_PREFIX "Received: "
#define EXITING_LINE "Exiting...\n"
#define PROMPT "Enter message to send: "

#define PUBSUB_VERSION "1.0.0"

/* Exit statuses, the same for every program (shared/PROTOCOL.md, section 1). */
enum {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1,  /* bad pipe path, I/O failure, rejected message */
    EXIT_USAGE = 2     /* unknown option, missing value */
};

#endif
