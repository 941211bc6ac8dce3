/* fuzz_framing.c: a libFuzzer target for the frame decoder (c/lib/framing.c).

   The decoder must give the same frames however its input is cut into
   reads, so each input is decoded several ways and the results compared:

     - whole, in one frame_decoder_feed();
     - one byte at a time;
     - cut at points the fuzzer chooses (the first bytes of the input);
     - whole again, on the same decoder after frame_decoder_finish(), which
       must start afresh for the next publisher;
     - through line_reader_next(), reading the bytes from a pipe: the
       lines it gives are the messages that a publisher may send (none over
       MESSAGE_MAX bytes, none ending in CR), and every other frame is
       counted as refused.

   Every decoding is also held to PROTOCOL.md section 2 on its own: no
   delivered message is empty, over MESSAGE_MAX bytes or holds an LF; an
   overlong frame counts more than MESSAGE_MAX bytes; and every input byte
   is accounted for, walking the input with the events in hand: message
   bytes, discarded bytes, the LF ending each frame, the one CR removed
   before it, and the skipped empty frames (the gaps in the frame numbers)
   add up to the input's length, and each message is the input's bytes at
   that place. Any violation calls abort(), which libFuzzer reports with
   the input that caused it.

   Input layout: byte 0 is the number of cut points (mod 32), then two
   bytes (little-endian) per cut point, each taken modulo the data's
   length; the rest is the data fed to the decoder.

   Built with clang -fsanitize=fuzzer,address,undefined by tests/fuzz/run. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "framing.h"
#include "lines.h"

#define MAX_CUTS 32

/* One frame_decoder_next() result. */
struct event {
    size_t number;   /* frame number, counting skipped empty frames */
    size_t len;      /* message length, or bytes discarded when overlong */
    bool overlong;
    size_t offset;   /* where its message bytes are in the log's store */
};

/* What one decoding produced, in order. */
struct log {
    struct event *events;
    size_t count, capacity;
    char *bytes;     /* the delivered messages, back to back */
    size_t used, room;
    size_t frames;   /* decoder->number at the end: every frame, empty ones too */
};

static void fail(const char *what)
{
    (void)fprintf(stderr, "fuzz_framing: invariant violated: %s\n", what);
    abort();
}

static void *grow(void *buffer, size_t *room, size_t need, size_t unit)
{
    if (need <= *room)
        return buffer;
    size_t bigger = *room > 0 ? *room : 64;
    while (bigger < need)
        bigger *= 2;
    void *moved = realloc(buffer, bigger * unit);
    if (moved == NULL)
        fail("out of memory");
    *room = bigger;
    return moved;
}

static void log_reset(struct log *log)
{
    log->count = 0;
    log->used = 0;
    log->frames = 0;
}

/* Check one frame against section 2 and append it to the log. */
static void log_frame(struct log *log, const struct frame *frame)
{
    if (frame->overlong) {
        if (frame->len <= MESSAGE_MAX || frame->message != NULL)
            fail("an overlong frame must count over MESSAGE_MAX bytes and carry no message");
    } else {
        if (frame->len == 0 || frame->len > MESSAGE_MAX)
            fail("a delivered message must be 1 to MESSAGE_MAX bytes");
        if (memchr(frame->message, '\n', frame->len) != NULL)
            fail("a delivered message holds an LF");
    }
    if (log->count > 0 && frame->number <= log->events[log->count - 1].number)
        fail("frame numbers must increase");

    log->events = grow(log->events, &log->capacity, log->count + 1, sizeof *log->events);
    struct event *event = &log->events[log->count++];
    event->number = frame->number;
    event->len = frame->len;
    event->overlong = frame->overlong;
    event->offset = log->used;
    if (!frame->overlong) {
        log->bytes = grow(log->bytes, &log->room, log->used + frame->len, 1);
        memcpy(log->bytes + log->used, frame->message, frame->len);
        log->used += frame->len;
    }
}

static void drain(struct frame_decoder *decoder, struct log *log)
{
    struct frame frame;
    while (frame_decoder_next_frame(decoder, &frame))
        log_frame(log, &frame);
}

/* Feed data cut at the given offsets (ascending, each <= n), then finish. */
static void decode_cut(struct frame_decoder *decoder, const char *data, size_t n,
                       const size_t *cuts, size_t ncuts, struct log *log)
{
    size_t start = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        if (end < start)
            fail("cut points out of order");
        frame_decoder_feed(decoder, data + start, end - start);
        drain(decoder, log);
        start = end;
    }
    frame_decoder_finish(decoder);
    drain(decoder, log);
    if (frame_decoder_mid_frame(decoder))
        fail("the decoder holds part of a frame after finish");
}

static void decode_bytewise(struct frame_decoder *decoder, const char *data, size_t n,
                            struct log *log)
{
    for (size_t i = 0; i < n; i++) {
        frame_decoder_feed(decoder, data + i, 1);
        drain(decoder, log);
    }
    frame_decoder_finish(decoder);
    drain(decoder, log);
}

/* Skip the CR that a reader removes before an LF (or at end of input) and
   the LF itself; returns the new position. */
static size_t skip_ending(const char *data, size_t n, size_t at)
{
    if (at < n && data[at] == '\r' && (at + 1 == n || data[at + 1] == '\n'))
        at++;
    if (at < n) {
        if (data[at] != '\n')
            fail("a frame does not end at an LF");
        at++;
    }
    return at;
}

/* Skip one empty frame: LF, CR LF, or a lone CR at the end of input. */
static size_t skip_empty(const char *data, size_t n, size_t at)
{
    if (at >= n)
        fail("a skipped empty frame past the end of input");
    if (data[at] == '\n')
        return at + 1;
    if (data[at] == '\r' && (at + 1 == n || data[at + 1] == '\n'))
        return skip_ending(data, n, at);
    fail("a skipped frame was not empty");
    return n;
}

/* Walk the input with the events: every byte must be accounted for. */
static void check_accounting(const char *data, size_t n, const struct log *log)
{
    size_t at = 0, number = 0;
    for (size_t i = 0; i < log->count; i++) {
        const struct event *event = &log->events[i];
        for (number++; number < event->number; number++)
            at = skip_empty(data, n, at);
        if (event->len > n - at)
            fail("an event counts more bytes than the input has left");
        if (event->overlong) {
            if (memchr(data + at, '\n', event->len) != NULL)
                fail("an overlong frame's discarded bytes hold an LF");
        } else if (memcmp(data + at, log->bytes + event->offset, event->len) != 0) {
            fail("a message differs from the input bytes at its place");
        }
        at = skip_ending(data, n, at + event->len);
    }
    for (number++; number <= log->frames; number++)
        at = skip_empty(data, n, at);
    if (at != n)
        fail("input bytes left unaccounted for");
}

static bool same_events(const struct log *a, const struct log *b, bool same_numbers)
{
    if (a->count != b->count || a->used != b->used)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const struct event *x = &a->events[i], *y = &b->events[i];
        if (x->len != y->len || x->overlong != y->overlong || x->offset != y->offset)
            return false;
        if (same_numbers && x->number != y->number)
            return false;
    }
    return a->used == 0 || memcmp(a->bytes, b->bytes, a->used) == 0;
}

/* The frames of `whole` that a publisher may send: not overlong, not
   ending in CR. Their bytes are copied into `sendable`; returns how many of
   whole's frames are refused. */
static size_t sendable_frames(const struct log *whole, struct log *sendable)
{
    size_t refused = 0;
    for (size_t i = 0; i < whole->count; i++) {
        const struct event *event = &whole->events[i];
        const char *message = whole->bytes + event->offset;
        if (event->overlong || message[event->len - 1] == '\r') {
            refused++;
            continue;
        }
        struct frame frame = {.message = message, .len = event->len, .number = event->number};
        log_frame(sendable, &frame);
    }
    return refused;
}

/* The line reader over a pipe that holds the whole input. Inputs larger
   than a pipe's buffer are left out: writing them would block. Its error
   lines about refused lines go to /dev/null. Returns how many lines it
   refused. */
static size_t decode_lines(const char *data, size_t n, struct log *log)
{
    static struct line_reader reader; /* 64 KiB: not on the stack */
    static struct fifo_writer nowhere; /* an empty batch: nothing to send */
    int fds[2];
    if (pipe(fds) != 0)
        fail("pipe() failed");
    size_t written = 0;
    while (written < n) {
        ssize_t got = write(fds[1], data + written, n - written);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            fail("write() into the pipe failed");
        written += (size_t)got;
    }
    if (close(fds[1]) != 0)
        fail("close() failed");

    int saved_stderr = dup(STDERR_FILENO);
    int null_fd = open("/dev/null", O_WRONLY);
    if (saved_stderr < 0 || null_fd < 0 || dup2(null_fd, STDERR_FILENO) < 0)
        fail("cannot send standard error to /dev/null");
    nowhere.fd = -1;
    line_reader_init(&reader, fds[0], "");
    const char *message;
    size_t len;
    int status;
    while ((status = line_reader_next(&reader, &nowhere, &message, &len)) == 1) {
        struct frame line = {.message = message, .len = len, .number = log->count + 1};
        log_frame(log, &line);
    }
    if (dup2(saved_stderr, STDERR_FILENO) < 0 || close(saved_stderr) != 0 || close(null_fd) != 0)
        fail("cannot restore standard error");
    if (status != 0)
        fail("line_reader_next() failed on a pipe");
    if (close(fds[0]) != 0)
        fail("close() failed");
    return reader.rejected;
}

static int ascending(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
    static struct frame_decoder decoder; /* 4 KiB each: kept off the stack */
    static struct log whole, bytewise, cut, again, lines, sendable;
    size_t cuts[MAX_CUTS];
    size_t ncuts;

    if (size == 0)
        return 0;
    size_t wanted = input[0] % MAX_CUTS;
    if (wanted > (size - 1) / 2) /* a short input has room for fewer cuts */
        wanted = (size - 1) / 2;
    size_t header = 1 + 2 * wanted;
    const char *data = (const char *)input + header;
    size_t n = size - header;
    for (ncuts = 0; ncuts < wanted; ncuts++) {
        size_t at = (size_t)input[1 + 2 * ncuts] | (size_t)input[2 + 2 * ncuts] << 8;
        cuts[ncuts] = at % (n + 1);
    }
    qsort(cuts, ncuts, sizeof cuts[0], ascending);

    log_reset(&whole);
    frame_decoder_init(&decoder, "fuzz", NULL);
    decode_cut(&decoder, data, n, NULL, 0, &whole);
    whole.frames = decoder.number;
    check_accounting(data, n, &whole);

    /* The same decoder after finish: a new publisher, the same frames. */
    log_reset(&again);
    decode_cut(&decoder, data, n, NULL, 0, &again);
    if (!same_events(&whole, &again, false))
        fail("the decoder did not start afresh after frame_decoder_finish()");

    log_reset(&bytewise);
    frame_decoder_init(&decoder, "fuzz", NULL);
    decode_bytewise(&decoder, data, n, &bytewise);
    bytewise.frames = decoder.number;
    if (!same_events(&whole, &bytewise, true) || bytewise.frames != whole.frames)
        fail("fed byte by byte, the decoder gave other frames than fed whole");

    log_reset(&cut);
    frame_decoder_init(&decoder, "fuzz", NULL);
    decode_cut(&decoder, data, n, cuts, ncuts, &cut);
    cut.frames = decoder.number;
    if (!same_events(&whole, &cut, true) || cut.frames != whole.frames)
        fail("cut at the chosen points, the decoder gave other frames than fed whole");

    if (n <= 65536) {
        log_reset(&lines);
        log_reset(&sendable);
        size_t refused = decode_lines(data, n, &lines);
        if (refused != sendable_frames(&whole, &sendable) || !same_events(&sendable, &lines, false))
            fail("line_reader_next() gave other lines than the decoder fed whole");
    }
    return 0;
}
