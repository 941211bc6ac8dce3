/* framing.h

   Newline framing (shared/PROTOCOL.md, section 2), both ways, pull-style:
   the caller asks for the next message and decides what to do with it.

   - struct frame_decoder cuts a byte stream into frames. It takes chunks of
     any size, split anywhere: a frame split across reads, many frames in one
     read, frames too long to deliver. It never holds more than one frame's
     worth of bytes (MESSAGE_MAX + 1), whatever the input.

         frame_decoder_feed(&frames, chunk, n);
         while (frame_decoder_next(&frames, &message, &len))
             ... one message ...
         at end of input: frame_decoder_finish(&frames), then next() again

   - frame_check() tells whether a line of standard input can be sent.

   - struct frame_batch packs whole frames into one buffer of at most
     FRAME_MAX bytes, so that one write() puts several frames into the pipe
     and each write stays atomic.
*/
#ifndef FIFO_PUBSUB_FRAMING_H
#define FIFO_PUBSUB_FRAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "protocol.h"

struct output;

/* What the tutorial's function (handle_message, write_message) tells the
   main loop: go on with the next message, or stop. */
enum next_step { GO_ON, STOP };

/* One frame, its LF and the one CR before it removed; never empty. */
struct frame {
    const char *message; /* not NUL-terminated; NULL when overlong */
    size_t len;          /* the message's length: 1 to MESSAGE_MAX, or more
                            when overlong (the bytes discarded) */
    bool overlong;       /* over MESSAGE_MAX bytes: not delivered, only counted */
    size_t number;       /* which frame (line) of the stream, from 1; empty
                            ones count too */
};

struct frame_decoder {
    const char *path;   /* the pipe, named in the error about an overlong frame */
    struct output *out; /* flushed before that error; may be NULL */
    const char *input;  /* what is left of the chunk fed last (not owned) */
    size_t input_len;
    const char *next_lf; /* the first LF in input, or NULL */
    bool ending;        /* frame_decoder_finish() was called */
    size_t number;      /* frames seen so far, empty ones included */
    size_t held;        /* bytes of an unfinished frame in `pending` */
    size_t discarded;   /* bytes of an overlong frame skipped so far */
    bool discarding;    /* skipping to the end of an overlong frame */
    bool last_was_cr;   /* while discarding: the last byte skipped was CR */
    char pending[MESSAGE_MAX + 1]; /* room for a full message and its CR */
};

/* path names the pipe in the error line about an overlong frame; out, when
   not NULL, is flushed before it, so that the messages before the frame
   reach the screen first. */
void frame_decoder_init(struct frame_decoder *decoder, const char *path, struct output *out);

/* Give the decoder n more bytes. They are not copied: data must stay as it
   is until frame_decoder_next() has returned false. */
void frame_decoder_feed(struct frame_decoder *decoder, const char *data, size_t n);

/* End of input: an unterminated fragment will come out of
   frame_decoder_next() as if its LF had come; after that the decoder starts
   afresh (for the next publisher). */
void frame_decoder_finish(struct frame_decoder *decoder);

/* The next message: true with *message (not NUL-terminated, valid until the
   next call) and *len set; false when the bytes fed so far hold no more
   complete frame. A frame over MESSAGE_MAX bytes is skipped, after the
   error line "PATH: discarded a frame of N bytes, over the 4095-byte
   limit". */
bool frame_decoder_next(struct frame_decoder *decoder, const char **message, size_t *len);

/* The next frame, overlong ones included (frame->overlong), numbered: what
   the line reader needs to report a refused line. Empty frames are skipped
   all the same. */
bool frame_decoder_next_frame(struct frame_decoder *decoder, struct frame *frame);

/* Does the decoder hold part of a frame whose LF has not come yet? */
bool frame_decoder_mid_frame(const struct frame_decoder *decoder);

/* Can this line be sent as a frame? */
enum frame_verdict {
    FRAME_OK,
    FRAME_EMPTY,        /* nothing to send */
    FRAME_TOO_LONG,     /* over MESSAGE_MAX bytes */
    FRAME_ENDS_WITH_CR  /* a reader would take its last CR for a line ending */
};

enum frame_verdict frame_check(const struct frame *line);

/* Is this message exactly "exit"? (Inline, like the batch functions below:
   they run once per message.) */
static inline bool frame_is_exit(const char *message, size_t len)
{
    return len == sizeof EXIT_MESSAGE - 1 && memcmp(message, EXIT_MESSAGE, len) == 0;
}

/* Whole frames waiting for one write() of at most FRAME_MAX bytes. */
struct frame_batch {
    size_t len;
    char data[FRAME_MAX];
};

static inline void frame_batch_init(struct frame_batch *batch) { batch->len = 0; }

/* Would the frame of a message of this length, message + LF, still fit? */
static inline bool frame_batch_fits(const struct frame_batch *batch, size_t message_len)
{
    return message_len < sizeof batch->data - batch->len;
}

/* Append message + LF. The message passed frame_check() and fits. */
static inline void frame_batch_add(struct frame_batch *batch, const char *message, size_t len)
{
    memcpy(batch->data + batch->len, message, len);
    batch->data[batch->len + len] = '\n';
    batch->len += len + 1;
}

#endif
