/* framing.c: newline framing (see framing.h). */
#include "framing.h"

#include <string.h>

#include "output.h"
#include "report.h"

/* Forget any unfinished frame; keep the frame count. */
static void drop_unfinished(struct frame_decoder *decoder)
{
    decoder->held = 0;
    decoder->discarded = 0;
    decoder->discarding = false;
    decoder->last_was_cr = false;
}

void frame_decoder_init(struct frame_decoder *decoder, const char *path, struct output *out)
{
    decoder->path = path;
    decoder->out = out;
    decoder->input = NULL;
    decoder->input_len = 0;
    decoder->next_lf = NULL;
    decoder->ending = false;
    decoder->number = 0;
    drop_unfinished(decoder);
}

void frame_decoder_feed(struct frame_decoder *decoder, const char *data, size_t n)
{
    decoder->input = data;
    decoder->input_len = n;
    decoder->next_lf = n > 0 ? memchr(data, '\n', n) : NULL;
}

void frame_decoder_finish(struct frame_decoder *decoder) { decoder->ending = true; }

bool frame_decoder_mid_frame(const struct frame_decoder *decoder)
{
    return decoder->held > 0 || decoder->discarding;
}

/* Bytes of a frame whose LF has not come yet. */
static void hold(struct frame_decoder *decoder, const char *data, size_t n)
{
    if (!decoder->discarding && n <= sizeof decoder->pending - decoder->held) {
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

/* The LF of a frame has come; `tail` is the part of it in this chunk.
   Fill in *frame; false for an empty frame, which is skipped. */
static bool end_frame(struct frame_decoder *decoder, const char *tail, size_t n,
                      struct frame *frame)
{
    const char *message = tail; /* the common case: a whole frame in the chunk */
    size_t len = n;
    if (decoder->held > 0 || decoder->discarding) {
        hold(decoder, tail, n);
        message = decoder->pending;
        len = decoder->held;
        decoder->held = 0;
    }
    frame->number = ++decoder->number;
    if (decoder->discarding) {
        /* The discarded count leaves out the LF and one CR before it, so it
           matches the limit it is compared with. */
        len = decoder->discarded - (decoder->last_was_cr ? 1 : 0);
        drop_unfinished(decoder);
    } else if (len > 0 && message[len - 1] == '\r') {
        len--;
    }
    frame->overlong = len > MESSAGE_MAX;
    frame->message = frame->overlong ? NULL : message;
    frame->len = len;
    return len > 0;
}

bool frame_decoder_next_frame(struct frame_decoder *decoder, struct frame *frame)
{
    const char *lf;
    while ((lf = decoder->next_lf) != NULL) {
        const char *start = decoder->input;
        size_t n = (size_t)(lf - start);
        decoder->input = lf + 1;
        decoder->input_len -= n + 1;
        /* Look ahead now: the next call needs this LF anyway. */
        decoder->next_lf =
            decoder->input_len > 0 ? memchr(decoder->input, '\n', decoder->input_len) : NULL;
        if (end_frame(decoder, start, n, frame))
            return true;
    }
    if (decoder->input_len > 0) { /* the start of a frame whose LF is to come */
        hold(decoder, decoder->input, decoder->input_len);
        decoder->input_len = 0;
    }
    if (!decoder->ending)
        return false;

    /* End of input: an unterminated fragment is a frame too. */
    decoder->ending = false;
    bool fragment = frame_decoder_mid_frame(decoder) && end_frame(decoder, "", 0, frame);
    drop_unfinished(decoder);
    return fragment;
}

bool frame_decoder_next(struct frame_decoder *decoder, const char **message, size_t *len)
{
    struct frame frame;
    while (frame_decoder_next_frame(decoder, &frame)) {
        if (!frame.overlong) {
            *message = frame.message;
            *len = frame.len;
            return true;
        }
        /* The messages before it first, where both streams share a screen. */
        if (decoder->out != NULL)
            (void)output_flush(decoder->out);
        report("%s: discarded a frame of %zu bytes, over the %d-byte limit", decoder->path,
               frame.len, MESSAGE_MAX);
    }
    return false;
}

enum frame_verdict frame_check(const struct frame *line)
{
    if (line->overlong || line->len > MESSAGE_MAX)
        return FRAME_TOO_LONG;
    if (line->len == 0)
        return FRAME_EMPTY;
    if (line->message[line->len - 1] == '\r')
        return FRAME_ENDS_WITH_CR;
    return FRAME_OK;
}
