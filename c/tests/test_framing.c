/* test_framing.c: the frame decoder and the batch, against every golden
   vector (shared/vectors/), fed all at once, byte by byte, and split in two
   at every point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/framing.h"
#include "vectors.h"

/* What a subscriber would print for the messages the decoder delivers. */
struct transcript {
    char *out;
    size_t out_len, out_cap;
    char err[4096];
    size_t err_len;
    int messages;
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

static int on_message(void *context, const char *message, size_t len)
{
    struct transcript *t = context;
    assert_true(len >= 1 && len <= MESSAGE_MAX);
    assert_null(memchr(message, '\n', len));
    t->messages++;
    if (frame_is_exit(message, len)) {
        append(t, EXITING_LINE, strlen(EXITING_LINE));
        return 1;
    }
    append(t, RECEIVED_PREFIX, strlen(RECEIVED_PREFIX));
    append(t, message, len);
    append(t, "\n", 1);
    return 0;
}

static int on_overlong(void *context, size_t len)
{
    struct transcript *t = context;
    int n = snprintf(t->err + t->err_len, sizeof t->err - t->err_len,
                     "sub: PIPE: discarded a frame of %zu bytes, over the %d-byte limit\n", len,
                     MESSAGE_MAX);
    t->err_len += (size_t)n;
    return 0;
}

/* Decode `bytes` cut into pieces at the given offsets (ascending), then end
   of file, and compare with the vector's expected output. */
static void decode_in_pieces(const struct vector *v, const size_t *cuts, size_t ncuts)
{
    static struct frame_decoder decoder;
    struct transcript t = {0};
    const struct frame_sink sink = {on_message, on_overlong, &t};
    frame_decoder_init(&decoder);

    size_t start = 0;
    int stop = 0;
    for (size_t i = 0; i <= ncuts && stop == 0; i++) {
        size_t end = i < ncuts ? cuts[i] : v->pipe.len;
        stop = frame_decoder_feed(&decoder, v->pipe.data + start, end - start, &sink);
        start = end;
    }
    if (stop == 0)
        frame_decoder_finish(&decoder, &sink);

    if (t.out_len != v->out.len || memcmp(t.out, v->out.data, t.out_len) != 0)
        fail_msg("%s: decoded output differs (%zu bytes, expected %zu)", v->name, t.out_len,
                 v->out.len);
    if (!v->from_stdin) /* raw cases: the subscriber's stderr */
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

static void every_vector_all_at_once(void **state)
{
    (void)state;
    for (size_t i = 0; i < nvectors; i++)
        decode_in_pieces(&vectors[i], NULL, 0);
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
        decode_in_pieces(v, cuts, ncuts);
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
            decode_in_pieces(v, &cut, 1);
        }
    }
}

/* Counts of what the decoder delivered. */
struct counts {
    int messages;
    int overlong;
};

static int count_messages(void *context, const char *message, size_t len)
{
    (void)message;
    (void)len;
    ((struct counts *)context)->messages++;
    return 0;
}

static int count_overlong(void *context, size_t len)
{
    (void)len;
    ((struct counts *)context)->overlong++;
    return 0;
}

static void memory_stays_bounded_on_a_huge_frame(void **state)
{
    (void)state;
    /* 10 MiB without a LF: the decoder may not grow; it counts. */
    static struct frame_decoder decoder;
    static char block[65536];
    struct counts counts = {0};
    const struct frame_sink sink = {count_messages, count_overlong, &counts};
    memset(block, 'x', sizeof block);
    frame_decoder_init(&decoder);
    for (int i = 0; i < 160; i++)
        assert_int_equal(frame_decoder_feed(&decoder, block, sizeof block, &sink), 0);
    assert_true(decoder.held <= sizeof decoder.pending);
    assert_int_equal(decoder.discarded, 160 * sizeof block);
    assert_int_equal(frame_decoder_feed(&decoder, "\nok\n", 4, &sink), 0);
    assert_int_equal(counts.overlong, 1);
    assert_int_equal(counts.messages, 1); /* "ok": back in step after the LF */
    assert_int_equal(decoder.discarded, 0);
}

static size_t reported_len;

static int remember_len(void *context, size_t len)
{
    (void)context;
    reported_len = len;
    return 0;
}

static void discarded_count_leaves_out_lf_and_one_cr(void **state)
{
    (void)state;
    static char frame[5003];
    static struct frame_decoder decoder;
    struct counts counts = {0};
    const struct frame_sink sink = {count_messages, remember_len, &counts};
    memset(frame, 'y', 5000);
    memcpy(frame + 5000, "\r\r\n", 3); /* one CR is the line ending, one is data */
    frame_decoder_init(&decoder);
    /* Split so that the CR before the LF comes in a chunk of its own. */
    frame_decoder_feed(&decoder, frame, 5001, &sink);
    frame_decoder_feed(&decoder, frame + 5001, 1, &sink);
    frame_decoder_feed(&decoder, frame + 5002, 1, &sink);
    assert_int_equal(reported_len, 5001);
    assert_int_equal(counts.messages, 0);
}

static void line_numbers_count_empty_lines(void **state)
{
    (void)state;
    static struct frame_decoder decoder;
    struct counts counts = {0};
    const struct frame_sink sink = {count_messages, count_overlong, &counts};
    frame_decoder_init(&decoder);
    frame_decoder_feed(&decoder, "\n\r\na\n\nb", 7, &sink);
    assert_int_equal(frame_decoder_line(&decoder), 4);
    assert_true(frame_decoder_mid_frame(&decoder));
    frame_decoder_finish(&decoder, &sink);
    assert_int_equal(frame_decoder_line(&decoder), 5);
    assert_false(frame_decoder_mid_frame(&decoder));
    assert_int_equal(counts.messages, 2);
}

static void frame_check_classifies(void **state)
{
    (void)state;
    static char longest[MESSAGE_MAX + 1];
    memset(longest, 'z', sizeof longest);
    assert_int_equal(frame_check("", 0), FRAME_EMPTY);
    assert_int_equal(frame_check("a", 1), FRAME_OK);
    assert_int_equal(frame_check("a\r", 2), FRAME_ENDS_WITH_CR);
    assert_int_equal(frame_check("\ra", 2), FRAME_OK);
    assert_int_equal(frame_check(longest, MESSAGE_MAX), FRAME_OK);
    assert_int_equal(frame_check(longest, MESSAGE_MAX + 1), FRAME_TOO_LONG);
    assert_true(frame_is_exit("exit", 4));
    assert_false(frame_is_exit("exit ", 5));
    assert_false(frame_is_exit("Exit", 4));
    assert_false(frame_is_exit("exi", 3));
}

static void batch_packs_whole_frames_up_to_frame_max(void **state)
{
    (void)state;
    static struct frame_batch batch;
    static char longest[MESSAGE_MAX];
    memset(longest, 'q', sizeof longest);
    frame_batch_init(&batch);

    assert_true(frame_batch_fits(&batch, MESSAGE_MAX));
    frame_batch_add(&batch, "hi", 2);
    assert_int_equal(batch.len, 3);
    assert_memory_equal(batch.data, "hi\n", 3);
    assert_false(frame_batch_fits(&batch, MESSAGE_MAX));     /* 3 + 4096 > 4096 */
    assert_true(frame_batch_fits(&batch, FRAME_MAX - 3 - 1)); /* exactly full */
    frame_batch_add(&batch, longest, FRAME_MAX - 4);
    assert_int_equal(batch.len, FRAME_MAX);
    assert_int_equal(batch.data[FRAME_MAX - 1], '\n');
    assert_false(frame_batch_fits(&batch, 1));

    frame_batch_init(&batch);
    frame_batch_add(&batch, longest, MESSAGE_MAX);
    assert_int_equal(batch.len, FRAME_MAX); /* the largest frame fills PIPE_BUF */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_vector_all_at_once),
        cmocka_unit_test(every_vector_byte_by_byte),
        cmocka_unit_test(every_vector_split_in_two_everywhere),
        cmocka_unit_test(memory_stays_bounded_on_a_huge_frame),
        cmocka_unit_test(discarded_count_leaves_out_lf_and_one_cr),
        cmocka_unit_test(line_numbers_count_empty_lines),
        cmocka_unit_test(frame_check_classifies),
        cmocka_unit_test(batch_packs_whole_frames_up_to_frame_max),
    };
    return cmocka_run_group_tests_name("framing", tests, load, unload);
}
