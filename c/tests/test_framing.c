/* test_framing.c: the frame decoder and the batch. The
   decoder runs against every golden vector (shared/vectors/), fed whole,
   byte by byte, and split in two at every point; what it delivers, printed
   the way a subscriber prints it, must be NAME.out (and, printed raw,
   NAME.out-raw) exactly, with NAME.err's lines for the frames it discards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "lib/framing.h"
#include "lib/output.h"
#include "lib/report.h"
#include "mock_io.h"
#include "vectors.h"

/* What a subscriber would print for the frames the decoder delivers. */
struct transcript {
    bool raw;
    bool stopped; /* "exit" came */
    char *out;
    size_t out_len, out_cap;
    char err[4096];
    size_t err_len;
};

static void append(struct transcript *t, const char *data, size_t n)
{
    if (t->out_len + n > t->out_cap) {
        t->out_cap = (t->out_len + n) * 2;
        t->out = realloc(t->out, t->out_cap);
        assert_non_null(t->out);
    }
    memcpy(t->out + t->out_len, data, n);
    t->out_len += n;
}

static void print_frame(struct transcript *t, const struct frame *frame)
{
    if (frame->overlong) {
        int n = snprintf(t->err + t->err_len, sizeof t->err - t->err_len,
                         "sub: PIPE: discarded a frame of %zu bytes, over the %d-byte limit\n",
                         frame->len, MESSAGE_MAX);
        t->err_len += (size_t)n;
        return;
    }
    assert_true(frame->len >= 1 && frame->len <= MESSAGE_MAX);
    assert_null(memchr(frame->message, '\n', frame->len));
    if (frame_is_exit(frame->message, frame->len)) {
        append(t, t->raw ? "exit\n" : "Exiting...\n", t->raw ? 5 : 11);
        t->stopped = true;
        return;
    }
    if (!t->raw)
        append(t, "Received: ", 10);
    append(t, frame->message, frame->len);
    append(t, "\n", 1);
}

/* Decode the vector's pipe bytes cut at the given offsets (ascending), then
   end of file, and compare with what the vector expects. */
static void decode_in_pieces(const struct vector *v, const size_t *cuts, size_t ncuts, bool raw)
{
    static struct frame_decoder decoder;
    struct transcript t = {.raw = raw};
    struct frame frame;
    frame_decoder_init(&decoder, "PIPE", NULL);

    size_t start = 0;
    for (size_t i = 0; i <= ncuts && !t.stopped; i++) {
        size_t end = i < ncuts ? cuts[i] : v->pipe.len;
        /* Each piece in a buffer of its own, overwritten after use, as a
           read() into one chunk buffer would be. */
        char *piece = malloc(end - start + 1);
        assert_non_null(piece);
        memcpy(piece, v->pipe.data + start, end - start);
        frame_decoder_feed(&decoder, piece, end - start);
        while (!t.stopped && frame_decoder_next_frame(&decoder, &frame))
            print_frame(&t, &frame);
        memset(piece, '#', end - start);
        free(piece);
        start = end;
    }
    if (!t.stopped) {
        frame_decoder_finish(&decoder);
        while (!t.stopped && frame_decoder_next_frame(&decoder, &frame))
            print_frame(&t, &frame);
    }

    const struct bytes *expected = raw ? &v->out_raw : &v->out;
    if (t.out_len != expected->len || memcmp(t.out, expected->data, t.out_len) != 0)
        fail_msg("%s%s: decoded output differs (%zu bytes, expected %zu; %zu cuts)", v->name,
                 raw ? " (raw)" : "", t.out_len, expected->len, ncuts);
    if (!v->from_stdin) /* raw cases: the subscriber's standard error */
        assert_string_equal(t.err, v->err.data);
    free(t.out);
}

static struct vector *vectors;
static size_t nvectors;

static int load(void **state)
{
    (void)state;
    nvectors = vectors_load("sub", "PIPE", &vectors);
    return 0;
}

static int unload(void **state)
{
    (void)state;
    vectors_free(vectors, nvectors);
    return 0;
}

static void every_vector_whole(void **state)
{
    (void)state;
    const size_t no_cuts[1] = {0};
    for (size_t i = 0; i < nvectors; i++) {
        decode_in_pieces(&vectors[i], no_cuts, 0, false);
        decode_in_pieces(&vectors[i], no_cuts, 0, true);
    }
}

static void every_vector_byte_by_byte(void **state)
{
    (void)state;
    for (size_t i = 0; i < nvectors; i++) {
        const struct vector *v = &vectors[i];
        size_t ncuts = v->pipe.len ? v->pipe.len - 1 : 0;
        size_t *cuts = malloc((ncuts + 1) * sizeof *cuts);
        assert_non_null(cuts);
        for (size_t c = 0; c < ncuts; c++)
            cuts[c] = c + 1;
        decode_in_pieces(v, cuts, ncuts, false);
        decode_in_pieces(v, cuts, ncuts, true);
        free(cuts);
    }
}

static void every_vector_split_in_two_everywhere(void **state)
{
    (void)state;
    for (size_t i = 0; i < nvectors; i++) {
        const struct vector *v = &vectors[i];
        /* Every split point of the small vectors; for the large ones, every
           point near a frame boundary and a sample of the rest. */
        for (size_t cut = 0; cut <= v->pipe.len; cut++) {
            bool near_lf = (cut > 0 && v->pipe.data[cut - 1] == '\n') ||
                           (cut < v->pipe.len && v->pipe.data[cut] == '\n') ||
                           (cut + 1 < v->pipe.len && v->pipe.data[cut + 1] == '\n');
            if (v->pipe.len > 20000 && !near_lf && cut % 101 != 0)
                continue;
            decode_in_pieces(v, &cut, 1, false);
            decode_in_pieces(v, &cut, 1, true);
        }
    }
}

/* Feed data and count what comes out. */
struct counts {
    int messages;
    int overlong;
    size_t last_len;
};

static void drain(struct frame_decoder *decoder, struct counts *counts)
{
    struct frame frame;
    while (frame_decoder_next_frame(decoder, &frame)) {
        if (frame.overlong)
            counts->overlong++;
        else
            counts->messages++;
        counts->last_len = frame.len;
    }
}

static void memory_stays_bounded_on_a_huge_frame(void **state)
{
    (void)state;
    /* 10 MiB without a LF: the decoder may not grow; it counts. */
    static struct frame_decoder decoder;
    static char block[65536];
    struct counts counts = {0};
    memset(block, 'x', sizeof block);
    frame_decoder_init(&decoder, "PIPE", NULL);
    for (int i = 0; i < 160; i++) {
        frame_decoder_feed(&decoder, block, sizeof block);
        drain(&decoder, &counts);
    }
    assert_true(decoder.held <= sizeof decoder.pending);
    assert_int_equal(decoder.discarded, 160 * sizeof block);
    frame_decoder_feed(&decoder, "\nok\n", 4);
    drain(&decoder, &counts);
    assert_int_equal(counts.overlong, 1);
    assert_int_equal(counts.messages, 1); /* "ok": back in step after the LF */
    assert_int_equal(decoder.discarded, 0);
}

static void discarded_count_leaves_out_lf_and_one_cr(void **state)
{
    (void)state;
    static char frame[5003];
    static struct frame_decoder decoder;
    struct counts counts = {0};
    memset(frame, 'y', 5000);
    memcpy(frame + 5000, "\r\r\n", 3); /* one CR is the line ending, one is data */
    frame_decoder_init(&decoder, "PIPE", NULL);
    /* Split so that the CR before the LF comes in a chunk of its own. */
    frame_decoder_feed(&decoder, frame, 5001);
    drain(&decoder, &counts);
    frame_decoder_feed(&decoder, frame + 5001, 1);
    drain(&decoder, &counts);
    frame_decoder_feed(&decoder, frame + 5002, 1);
    drain(&decoder, &counts);
    assert_int_equal(counts.overlong, 1);
    assert_int_equal(counts.last_len, 5001);
    assert_int_equal(counts.messages, 0);
}

static void frames_are_numbered_counting_empty_ones(void **state)
{
    (void)state;
    static struct frame_decoder decoder;
    struct frame frame;
    frame_decoder_init(&decoder, "PIPE", NULL);
    frame_decoder_feed(&decoder, "\n\r\na\n\nb", 7);
    assert_true(frame_decoder_next_frame(&decoder, &frame));
    assert_int_equal(frame.number, 3);
    assert_memory_equal(frame.message, "a", 1);
    assert_false(frame_decoder_next_frame(&decoder, &frame));
    assert_true(frame_decoder_mid_frame(&decoder));
    frame_decoder_finish(&decoder);
    assert_true(frame_decoder_next_frame(&decoder, &frame));
    assert_int_equal(frame.number, 5);
    assert_memory_equal(frame.message, "b", 1);
    assert_false(frame_decoder_next_frame(&decoder, &frame));
    assert_false(frame_decoder_mid_frame(&decoder));
}

static void finish_starts_afresh_for_the_next_stream(void **state)
{
    (void)state;
    static struct frame_decoder decoder;
    struct frame frame;
    frame_decoder_init(&decoder, "PIPE", NULL);
    frame_decoder_feed(&decoder, "abc", 3);
    assert_false(frame_decoder_next_frame(&decoder, &frame));
    frame_decoder_finish(&decoder);
    assert_true(frame_decoder_next_frame(&decoder, &frame));
    assert_int_equal(frame.len, 3);
    assert_false(frame_decoder_next_frame(&decoder, &frame));
    /* A new stream: "de" is not glued to anything left over. */
    frame_decoder_feed(&decoder, "de\n", 3);
    assert_true(frame_decoder_next_frame(&decoder, &frame));
    assert_int_equal(frame.len, 2);
    assert_memory_equal(frame.message, "de", 2);
}

static struct frame line_of(const char *text, size_t len)
{
    struct frame line = {.message = text, .len = len, .overlong = len > MESSAGE_MAX};
    return line;
}

static void frame_check_classifies(void **state)
{
    (void)state;
    static char longest[MESSAGE_MAX + 1];
    memset(longest, 'z', sizeof longest);
    struct frame line = line_of("", 0);
    assert_int_equal(frame_check(&line), FRAME_EMPTY);
    line = line_of("a", 1);
    assert_int_equal(frame_check(&line), FRAME_OK);
    line = line_of("a\r", 2);
    assert_int_equal(frame_check(&line), FRAME_ENDS_WITH_CR);
    line = line_of("\ra", 2);
    assert_int_equal(frame_check(&line), FRAME_OK);
    line = line_of(longest, MESSAGE_MAX);
    assert_int_equal(frame_check(&line), FRAME_OK);
    line = line_of(NULL, MESSAGE_MAX + 1);
    assert_int_equal(frame_check(&line), FRAME_TOO_LONG);
    assert_true(frame_is_exit("exit", 4));
    assert_false(frame_is_exit("exit ", 5));
    assert_false(frame_is_exit("Exit", 4));
    assert_false(frame_is_exit("exi", 3));
}

static void batch_holds_whole_frames_up_to_frame_max(void **state)
{
    (void)state;
    static struct frame_batch batch;
    static char longest[MESSAGE_MAX];
    memset(longest, 'w', sizeof longest);

    /* 3 + 4093 = 4096 bytes: the two frames share one batch, exactly full. */
    frame_batch_init(&batch);
    assert_true(frame_batch_fits(&batch, 2));
    frame_batch_add(&batch, "ab", 2);
    assert_true(frame_batch_fits(&batch, 4092));
    frame_batch_add(&batch, longest, 4092);
    assert_int_equal(batch.len, FRAME_MAX);
    assert_int_equal(batch.data[FRAME_MAX - 1], '\n');
    assert_false(frame_batch_fits(&batch, 1));

    /* 3 + 4094 = 4097 bytes: the second frame does not fit. */
    frame_batch_init(&batch);
    frame_batch_add(&batch, "ab", 2);
    assert_false(frame_batch_fits(&batch, 4093));

    /* The largest frame fills PIPE_BUF on its own. */
    frame_batch_init(&batch);
    assert_true(frame_batch_fits(&batch, MESSAGE_MAX));
    frame_batch_add(&batch, longest, MESSAGE_MAX);
    assert_int_equal(batch.len, FRAME_MAX);
}

/* frame_decoder_next() gives messages only: an overlong frame is reported,
   naming the pipe, and skipped, after the output is flushed so that the
   messages before it come first. */
static void next_reports_and_skips_an_overlong_frame(void **state)
{
    (void)state;
    static struct frame_decoder decoder;
    static struct output out;
    static char input[2 + 5000 + 1 + 3];
    memcpy(input, "a\n", 2);
    memset(input + 2, 'x', 5000);
    memcpy(input + 5002, "\nb\n", 3);
    int ends[2];
    assert_int_equal(pipe(ends), 0);
    output_init(&out, ends[1]);
    frame_decoder_init(&decoder, "/tmp/p", &out);
    frame_decoder_feed(&decoder, input, 5005);

    const char *message;
    size_t len;
    assert_true(frame_decoder_next(&decoder, &message, &len));
    assert_memory_equal(message, "a", 1);
    assert_int_equal(output_line(&out, "", message, len), 0); /* held, not written */
    capture_begin();
    assert_true(frame_decoder_next(&decoder, &message, &len));
    const char *err = capture_end();
    assert_string_equal(err,
                        "test: /tmp/p: discarded a frame of 5000 bytes, over the 4095-byte limit\n");
    assert_int_equal(len, 1);
    assert_memory_equal(message, "b", 1);
    char flushed[8];
    assert_int_equal(__real_read(ends[0], flushed, sizeof flushed), 2); /* "a" went out first */
    assert_memory_equal(flushed, "a\n", 2);
    assert_false(frame_decoder_next(&decoder, &message, &len));
    close(ends[0]);
    close(ends[1]);
}

int main(void)
{
    report_set_program("test");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_vector_whole),
        cmocka_unit_test(every_vector_byte_by_byte),
        cmocka_unit_test(every_vector_split_in_two_everywhere),
        cmocka_unit_test(memory_stays_bounded_on_a_huge_frame),
        cmocka_unit_test(discarded_count_leaves_out_lf_and_one_cr),
        cmocka_unit_test(frames_are_numbered_counting_empty_ones),
        cmocka_unit_test(finish_starts_afresh_for_the_next_stream),
        cmocka_unit_test(frame_check_classifies),
        cmocka_unit_test(batch_holds_whole_frames_up_to_frame_max),
        cmocka_unit_test(next_reports_and_skips_an_overlong_frame),
    };
    return cmocka_run_group_tests_name("framing", tests, load, unload);
}
