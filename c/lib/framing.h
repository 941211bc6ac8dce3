/* framing.h

   Newline framing (shared/PROTOCOL.md, section 2), both ways:

   - struct frame_decoder cuts a byte stream into messages. It takes chunks of
     any size, split anywhere: a frame split across reads, many frames in one
     read, frames too long to deliver. It never holds more than one frame's
     worth of bytes (MESSAGE_MAX + 1), whatever the input. A subscriber feeds
     it from the pipe; a publisher feeds it from standard input, since lines
     and frames follow the same rules.

   - struct frame_batch packs whole frames into one buffer of at most
     FRAME_MAX bytes, so that one write() puts several frames into the pipe
     and each write stays atomic.
*/
#ifndef FIFO_PUBSUB_FRAMING_H
#define FIFO_PUBSUB_FRAMING_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

/* What the decoder calls. Each callback returns 0 to go on, or any other
   value to stop decoding at once; frame_decoder_feed() then returns it. */
struct frame_sink {
    /* A message of 1 to MESSAGE_MAX bytes, LF and CR LF removed. Not
       NUL-terminated; valid only during the call. */
    int (*message)(void *context, const char *message, size_t len);
    /* A frame whose message was over MESSAGE_MAX bytes, not delivered. */
    int (*overlong)(void *context, size_t discarded_len);
    void *context;
};

struct frame_decoder {
    size_t line;        /* number of the current frame, counting from 1 */
    size_t held;        /* bytes of the current frame in `pending` */
    size_t discarded;   /* bytes of an overlong frame skipped so far */
    bool discarding;    /* skipping to the end of an overlong frame */
    bool last_was_cr;   /* while discarding: the last byte skipped was CR */
    char pending[MESSAGE_MAX + 1]; /* room for a full message and its CR */
};

void frame_decoder_init(struct frame_decoder *decoder);

/* Decode n bytes. Returns 0 once all are consumed, or the first non-zero
   value a callback returned (the rest of the chunk is then dropped). */
int frame_decoder_feed(struct frame_decoder *decoder, const char *data, size_t n,
                       const struct frame_sink *sink);

/* End of input: deliver an unterminated fragment as if its LF had come, then
   start afresh. Returns what frame_decoder_feed() returns. */
int frame_decoder_finish(struct frame_decoder *decoder, const struct frame_sink *sink);

/* Does the decoder hold part of a frame whose LF has not come yet? */
bool frame_decoder_mid_frame(const struct frame_decoder *decoder);

/* Number of the line that is being or was just delivered: every frame
   counts, empty ones too. Publishers name it in their error messages. */
size_t frame_decoder_line(const struct frame_decoder *decoder);

/* Can this message be framed? */
enum frame_check {
    FRAME_OK,
    FRAME_EMPTY,        /* nothing to send */
    FRAME_TOO_LONG,     /* over MESSAGE_MAX bytes */
    FRAME_ENDS_WITH_CR  /* a reader would take its last CR for a line ending */
};

enum frame_check frame_check(const char *message, size_t len);

/* Is this message exactly "exit"? */
bool frame_is_exit(const char *message, size_t len);

struct frame_batch {
    size_t len;
    char data[FRAME_MAX];
};

void frame_batch_init(struct frame_batch *batch);

/* Would message + LF still fit? */
bool frame_batch_fits(const struct frame_batch *batch, size_t message_len);

/* Append message + LF. The caller checked frame_check() == FRAME_OK and
   frame_batch_fits(). */
void frame_batch_add(struct frame_batch *batch, const char *message, size_t len);

#endif
