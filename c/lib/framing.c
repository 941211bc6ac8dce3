/* framing.c: newline framing (see framing.h). */
#include "framing.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

/* Forget any unfinished frame; keep the frame count. */
static void drop_unfinished(struct frame_decoder *decoder)
{
    decoder->held = 0;
    decoder->discarded = 0;
    decoder->discarding = false;
    decoder->last_was_cr = false;
}

void frame_decoder_init(struct frame_decoder *decoder)
{
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

bool frame_decoder_next(struct frame_decoder *decoder, struct frame *frame)
{
    const char *lf;
    while ((lf = decoder->next_lf) != NULL) {
        const char *start = decoder->input;
        size_t n = (size_t)(lf - start);
        decoder->input = lf + 1;
        decoder->input_len -= n + 1;
        /* Look ahead now: line_reader_would_wait() asks whether there is
           another whole frame, and the next call needs this LF anyway. */
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

void line_reader_init(struct line_reader *reader, int fd)
{
    reader->fd = fd;
    reader->ended = false;
    frame_decoder_init(&reader->decoder);
}

int line_reader_next(struct line_reader *reader, struct frame *line)
{
    for (;;) {
        if (frame_decoder_next(&reader->decoder, line))
            return 1;
        if (reader->ended)
            return 0;

        ssize_t got = read(reader->fd, reader->chunk, sizeof reader->chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            report("standard input: %s", strerror(errno));
            return -1;
        }
        if (got == 0) {
            reader->ended = true;
            frame_decoder_finish(&reader->decoder);
        } else {
            frame_decoder_feed(&reader->decoder, reader->chunk, (size_t)got);
        }
    }
}

size_t line_reader_take_plain(struct line_reader *reader, struct frame_batch *batch)
{
    struct frame_decoder *decoder = &reader->decoder;
    if (frame_decoder_mid_frame(decoder))
        return 0;
    /* Lines already in the chunk are frames as they stand: only check
       them. A line that fits in the batch is at most MESSAGE_MAX long. */
    const char *start = decoder->input, *end = start, *lf = decoder->next_lf;
    const char *chunk_end = decoder->input + decoder->input_len;
    size_t room = sizeof batch->data - batch->len, lines = 0;
    while (lf != NULL && (size_t)(lf + 1 - start) <= room) {
        size_t len = (size_t)(lf - end);
        if (len == 0 || lf[-1] == '\r' || frame_is_exit(end, len))
            break;
        lines++;
        end = lf + 1;
        lf = end < chunk_end ? memchr(end, '\n', (size_t)(chunk_end - end)) : NULL;
    }
    if (lines > 0) {
        memcpy(batch->data + batch->len, start, (size_t)(end - start));
        batch->len += (size_t)(end - start);
        decoder->input = end;
        decoder->input_len = (size_t)(chunk_end - end);
        decoder->next_lf = lf;
        decoder->number += lines;
    }
    return lines;
}

bool line_reader_would_wait(const struct line_reader *reader)
{
    if (reader->ended || reader->decoder.next_lf != NULL)
        return false;
    struct pollfd input = {.fd = reader->fd, .events = POLLIN};
    return poll(&input, 1, 0) == 0;
}

bool line_reader_mid_line(const struct line_reader *reader)
{
    return frame_decoder_mid_frame(&reader->decoder) || reader->decoder.input_len > 0;
}
