/* framing.c: newline framing (see framing.h). */
#include "framing.h"

#include <string.h>

void frame_decoder_init(struct frame_decoder *decoder)
{
    decoder->line = 0;
    decoder->held = 0;
    decoder->discarded = 0;
    decoder->discarding = false;
    decoder->last_was_cr = false;
}

size_t frame_decoder_line(const struct frame_decoder *decoder) { return decoder->line; }

bool frame_decoder_mid_frame(const struct frame_decoder *decoder)
{
    return decoder->held > 0 || decoder->discarding;
}

/* One complete frame, its LF already removed. */
static int deliver(struct frame_decoder *decoder, const char *frame, size_t len,
                   const struct frame_sink *sink)
{
    decoder->line++;
    if (len > 0 && frame[len - 1] == '\r')
        len--;
    if (len == 0)
        return 0;
    if (len > MESSAGE_MAX)
        return sink->overlong(sink->context, len);
    return sink->message(sink->context, frame, len);
}

/* The LF of an overlong frame has come: report how much was skipped. */
static int end_discarding(struct frame_decoder *decoder, const struct frame_sink *sink)
{
    size_t len = decoder->discarded - (decoder->last_was_cr ? 1 : 0);
    decoder->line++;
    decoder->discarding = false;
    decoder->discarded = 0;
    decoder->last_was_cr = false;
    return sink->overlong(sink->context, len);
}

/* Bytes of a frame whose LF has not come yet. */
static void hold(struct frame_decoder *decoder, const char *data, size_t n)
{
    if (!decoder->discarding && decoder->held + n <= sizeof decoder->pending) {
        memcpy(decoder->pending + decoder->held, data, n);
        decoder->held += n;
        return;
    }
    /* Too long to be a message, even with a CR to come off: count the bytes
       instead of keeping them, so memory stays bounded. */
    if (!decoder->discarding) {
        decoder->discarding = true;
        decoder->discarded = decoder->held;
        decoder->held = 0;
    }
    if (n > 0) {
        decoder->discarded += n;
        decoder->last_was_cr = data[n - 1] == '\r';
    }
}

int frame_decoder_feed(struct frame_decoder *decoder, const char *data, size_t n,
                       const struct frame_sink *sink)
{
    const char *end = data + n;
    while (data < end) {
        const char *lf = memchr(data, '\n', (size_t)(end - data));
        if (lf == NULL) {
            hold(decoder, data, (size_t)(end - data));
            return 0;
        }
        size_t part = (size_t)(lf - data);
        int result;
        if (decoder->discarding) {
            hold(decoder, data, part);
            result = end_discarding(decoder, sink);
        } else if (decoder->held == 0) {
            /* The common case: a whole frame inside the chunk, no copy. */
            result = deliver(decoder, data, part, sink);
        } else {
            hold(decoder, data, part);
            if (decoder->discarding) {
                result = end_discarding(decoder, sink);
            } else {
                size_t held = decoder->held;
                decoder->held = 0;
                result = deliver(decoder, decoder->pending, held, sink);
            }
        }
        data = lf + 1;
        if (result != 0)
            return result;
    }
    return 0;
}

int frame_decoder_finish(struct frame_decoder *decoder, const struct frame_sink *sink)
{
    int result = 0;
    if (decoder->discarding || decoder->held > 0)
        result = frame_decoder_feed(decoder, "\n", 1, sink);
    decoder->held = 0;
    decoder->discarding = false;
    decoder->discarded = 0;
    decoder->last_was_cr = false;
    return result;
}

enum frame_check frame_check(const char *message, size_t len)
{
    if (len == 0)
        return FRAME_EMPTY;
    if (len > MESSAGE_MAX)
        return FRAME_TOO_LONG;
    if (message[len - 1] == '\r')
        return FRAME_ENDS_WITH_CR;
    return FRAME_OK;
}

bool frame_is_exit(const char *message, size_t len)
{
    return len == sizeof EXIT_MESSAGE - 1 && memcmp(message, EXIT_MESSAGE, len) == 0;
}

void frame_batch_init(struct frame_batch *batch) { batch->len = 0; }

bool frame_batch_fits(const struct frame_batch *batch, size_t message_len)
{
    return message_len + 1 <= sizeof batch->data - batch->len;
}

void frame_batch_add(struct frame_batch *batch, const char *message, size_t len)
{
    memcpy(batch->data + batch->len, message, len);
    batch->data[batch->len + len] = '\n';
    batch->len += len + 1;
}
