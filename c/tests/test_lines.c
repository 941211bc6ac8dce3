/* test_lines.c: the publisher's standard input, line by line, over a pipe
   the test writes into: lines across reads, empty lines skipped, refused
   lines reported and counted, a read error reported, the pipe's batch sent
   before a read that may wait, and the prompt rules for a person at a
   terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "lib/lines.h"
#include "lib/report.h"
#include "mock_io.h"

static struct line_reader lines;
static struct fifo_writer pipe_out; /* the "FIFO": a plain pipe's write end */
static int input[2], sent[2];

static int setup(void **state)
{
    (void)state;
    mock_io_reset();
    assert_int_equal(pipe(input), 0);
    assert_int_equal(pipe(sent), 0);
    pipe_out.path = "PIPE";
    pipe_out.fd = sent[1];
    frame_batch_init(&pipe_out.batch);
    line_reader_init(&lines, input[0], "> ");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mock_io_reset();
    for (int i = 0; i < 2; i++) {
        close(input[i]);
        close(sent[i]);
    }
    return 0;
}

static void type(const char *text)
{
    size_t n = strlen(text);
    assert_int_equal(__real_write(input[1], text, n), (ssize_t)n);
}

/* The next line must be `expected`. */
static void expect_line(const char *expected)
{
    const char *message;
    size_t len;
    assert_int_equal(line_reader_next(&lines, &pipe_out, &message, &len), 1);
    assert_int_equal(len, strlen(expected));
    assert_memory_equal(message, expected, len);
}

static void expect_end(void)
{
    const char *message;
    size_t len;
    assert_int_equal(line_reader_next(&lines, &pipe_out, &message, &len), 0);
}

static void reads_lines_across_reads_and_skips_empty_ones(void **state)
{
    (void)state;
    type("one\n\n\r\ntw");
    expect_line("one");
    type("o\r\nthree\nlast");
    expect_line("two");
    expect_line("three");
    close(input[1]);
    input[1] = -1;
    expect_line("last"); /* unterminated at the end of input: a line too */
    expect_end();
    assert_int_equal(lines.rejected, 0);
}

static void refusals_are_reported_and_counted(void **state)
{
    (void)state;
    static char text[3 + 5 + 4095 + 1 + 4096 + 1 + 6 + 1];
    size_t n = 0;
    memcpy(text + n, "ok\n", 3);
    n += 3;
    memcpy(text + n, "bad\r\r\n", 6);
    n += 6;
    memset(text + n, 'm', MESSAGE_MAX); /* the longest line: sent */
    n += MESSAGE_MAX;
    text[n++] = '\n';
    memset(text + n, 'l', MESSAGE_MAX + 1); /* one byte more: refused */
    n += MESSAGE_MAX + 1;
    text[n++] = '\n';
    memcpy(text + n, "after\n", 6);
    n += 6;

    assert_int_equal(__real_write(input[1], text, 9), 9);
    expect_line("ok");
    capture_begin();
    assert_int_equal(__real_write(input[1], text + 9, n - 9), (ssize_t)(n - 9));
    close(input[1]);
    input[1] = -1;
    const char *message;
    size_t len;
    assert_int_equal(line_reader_next(&lines, &pipe_out, &message, &len), 1);
    assert_int_equal(len, MESSAGE_MAX);
    expect_line("after");
    expect_end();
    const char *err = capture_end();
    assert_string_equal(err,
                        "test: line 2: message ends with a carriage return, which a frame cannot "
                        "carry; not sent\n"
                        "test: line 4: message of 4096 bytes is over the 4095-byte limit; not sent\n");
    assert_int_equal(lines.rejected, 2);
}

static void a_read_error_is_reported(void **state)
{
    (void)state;
    type("x\n");
    mock_read_fail(input[0], EINTR, 2); /* interrupted reads are retried */
    expect_line("x");
    mock_read_fail(input[0], EIO, 1);
    type("y\n");
    capture_begin();
    const char *message;
    size_t len;
    int got = line_reader_next(&lines, &pipe_out, &message, &len);
    const char *err = capture_end();
    assert_int_equal(got, -1);
    assert_string_equal(err, "test: standard input: Input/output error\n");
}

/* Types `text` into standard input once the batch has reached the pipe (or
   after 5 s, when the test has failed), then closes standard input. */
static void *type_when_sent(void *arg)
{
    const char *text = arg;
    struct pollfd batch = {.fd = sent[0], .events = POLLIN};
    (void)poll(&batch, 1, 5000);
    size_t n = strlen(text);
    (void)__real_write(input[1], text, n);
    return NULL;
}

static void the_batch_is_sent_before_a_read_that_may_wait(void **state)
{
    (void)state;
    type("a\n");
    expect_line("a");
    frame_batch_add(&pipe_out.batch, "a", 1); /* what write_message() does */

    /* Nothing more typed: reading would wait, so "a" goes out first; the
       typist answers only once it has arrived. */
    pthread_t typist;
    assert_int_equal(pthread_create(&typist, NULL, type_when_sent, "b\n"), 0);
    expect_line("b");
    pthread_join(typist, NULL);
    assert_int_equal(pipe_out.batch.len, 0);
    char got[8];
    assert_int_equal(__real_read(sent[0], got, sizeof got), 2);
    assert_memory_equal(got, "a\n", 2);

    /* Typed lines already waiting: read at once, the batch kept. */
    type("c\nd\n");
    expect_line("c");
    frame_batch_add(&pipe_out.batch, "c", 1);
    expect_line("d");
    assert_int_equal(pipe_out.batch.len, 2);
}

/* Standard output caught in a pipe, for the prompts. */
static int prompts[2], saved_stdout;

static void catch_stdout(void)
{
    assert_int_equal(pipe(prompts), 0);
    saved_stdout = dup(STDOUT_FILENO);
    dup2(prompts[1], STDOUT_FILENO);
}

static size_t caught_stdout(char *text, size_t size)
{
    dup2(saved_stdout, STDOUT_FILENO);
    close(saved_stdout);
    close(prompts[1]);
    ssize_t n = __real_read(prompts[0], text, size - 1);
    close(prompts[0]);
    text[n > 0 ? n : 0] = '\0';
    return n > 0 ? (size_t)n : 0;
}

/* Types each piece after a pause of 200 ms, then closes standard input
   (Ctrl-D). */
static void *type_slowly(void *arg)
{
    const char *const *pieces = arg;
    const struct timespec pause = {0, 200000000};
    for (; *pieces != NULL; pieces++) {
        nanosleep(&pause, NULL);
        (void)__real_write(input[1], *pieces, strlen(*pieces));
    }
    nanosleep(&pause, NULL);
    close(input[1]);
    return NULL;
}

static void prompts_a_person_only_when_a_new_line_is_awaited(void **state)
{
    (void)state;
    lines.terminal = true; /* as if standard input were a terminal */
    catch_stdout();
    type("typed ahead\ntw"); /* typed while the publisher waited */
    expect_line("typed ahead");  /* no prompt: the line was waiting */
    static const char *const pieces[] = {"o\n", "three\n", NULL};
    pthread_t typist;
    assert_int_equal(pthread_create(&typist, NULL, type_slowly, (void *)pieces), 0);
    expect_line("two");   /* no prompt: in the middle of a line */
    expect_line("three"); /* a prompt: nothing waiting */
    expect_end();         /* a prompt, then Ctrl-D: its line ended */
    pthread_join(typist, NULL);
    input[1] = -1;
    char text[64];
    caught_stdout(text, sizeof text);
    assert_string_equal(text, "> > \n");
}

static void no_prompt_when_not_a_terminal(void **state)
{
    (void)state;
    catch_stdout();
    static const char *const pieces[] = {"one\n", NULL};
    pthread_t typist;
    assert_int_equal(pthread_create(&typist, NULL, type_slowly, (void *)pieces), 0);
    expect_line("one");
    expect_end();
    pthread_join(typist, NULL);
    input[1] = -1;
    char text[64];
    assert_int_equal(caught_stdout(text, sizeof text), 0);
}

#define LINES_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    report_set_program("test");
    const struct CMUnitTest tests[] = {
        LINES_TEST(reads_lines_across_reads_and_skips_empty_ones),
        LINES_TEST(refusals_are_reported_and_counted),
        LINES_TEST(a_read_error_is_reported),
        LINES_TEST(the_batch_is_sent_before_a_read_that_may_wait),
        LINES_TEST(prompts_a_person_only_when_a_new_line_is_awaited),
        LINES_TEST(no_prompt_when_not_a_terminal),
    };
    return cmocka_run_group_tests_name("lines", tests, NULL, NULL);
}
