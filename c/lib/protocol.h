/* protocol.h

   The wire format shared by every publisher and subscriber in this
   repository, whatever their language (shared/PROTOCOL.md, section 2).

   A frame is a message followed by one LF. A message is 1 to 4095 arbitrary
   bytes other than LF. 4095 bytes plus the LF is exactly PIPE_BUF (4096 on
   Linux), and POSIX guarantees that a write() of at most PIPE_BUF bytes to a
   pipe is atomic, so frames from several publishers never interleave.
*/
#ifndef FIFO_PUBSUB_PROTOCOL_H
#define FIFO_PUBSUB_PROTOCOL_H

#define MESSAGE_MAX 4095    /* longest message, in bytes */
#define FRAME_MAX 4096      /* MESSAGE_MAX plus the LF; at most PIPE_BUF */
#define EXIT_MESSAGE "exit" /* asks the subscriber to stop */

/* One read of the pipe or of standard input. 64 KiB is a whole Linux pipe
   buffer, so one read() takes everything that is waiting. */
#define READ_CHUNK 65536

/* The environment variable naming the pipe when --pipe does not. */
#define PIPE_PATH_ENV "PIPE_PATH"

#define PUBSUB_VERSION "1.0.0"

/* Exit statuses, the same for every program (shared/PROTOCOL.md, section 1);
   a stop signal gives 128 + its number (signals.h). */
enum {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1, /* bad pipe path, I/O failure, rejected message */
    EXIT_USAGE = 2    /* unknown option, missing value, stray argument */
};

#endif
