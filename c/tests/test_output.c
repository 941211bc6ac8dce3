/* test_output.c: the subscriber's standard output and the error lines of
   report(), with read() and write() made to misbehave on demand
   (mock_io.h): short writes, EINTR, EPIPE, a stop signal arriving in the
   middle of a write, a standard output that takes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "lib/output.h"
#include "lib/report.h"
#include "lib/signals.h"
#include "mock_io.h"

static int ends[2]; /* a pipe: the output writes into [1], the test reads [0] */

static int setup(void **state)
{
    (void)state;
    mock_io_reset();
    signals_install(SIGNALS_RECORD); /* and forget earlier signals */
    return pipe(ends);
}

static int teardown(void **state)
{
    (void)state;
    close(ends[0]);
    close(ends[1]);
    mock_io_reset();
    signals_install(SIGNALS_RECORD);
    return 0;
}

/* Everything in the pipe now. */
static size_t drain_pipe(char *buffer, size_t size)
{
    size_t got = 0;
    fcntl(ends[0], F_SETFL, O_NONBLOCK);
    for (;;) {
        ssize_t n = __real_read(ends[0], buffer + got, size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

static void expect_in_pipe(const char *expected, size_t len)
{
    static char buffer[65536 * 2];
    size_t got = drain_pipe(buffer, sizeof buffer);
    assert_int_equal(got, len);
    assert_memory_equal(buffer, expected, len);
}

static void holds_until_flushed_then_one_write(void **state)
{
    (void)state;
    static struct output out;
    output_init(&out, ends[1]);
    mock_write_record(ends[1]);
    for (int i = 0; i < 100; i++)
        assert_int_equal(output_line(&out, "Received: ", "m", 1), 0);
    assert_int_equal(mock_write_count(), 0); /* nothing written per message */
    assert_int_equal(output_flush(&out), 0);
    assert_int_equal(mock_write_count(), 1); /* one write for all 100 */
    assert_int_equal(mock_write_size(0), 1200);
}

static void writes_when_full_in_order(void **state)
{
    (void)state;
    static struct output out;
    static char big[70000], expected[70000 + 2], got[70000 + 3];
    memset(big, 'b', sizeof big);
    expected[0] = 'a';
    memcpy(expected + 1, big, sizeof big);
    expected[sizeof big + 1] = 'c';

    FILE *file = tmpfile(); /* more than a pipe holds */
    assert_non_null(file);
    output_init(&out, fileno(file));
    assert_int_equal(output_add(&out, "a", 1), 0);
    assert_int_equal(output_add(&out, big, sizeof big), 0); /* larger than the buffer */
    assert_int_equal(output_add(&out, "c", 1), 0);
    assert_int_equal(output_flush(&out), 0);
    rewind(file);
    assert_int_equal(fread(got, 1, sizeof got, file), sizeof expected);
    assert_memory_equal(got, expected, sizeof expected);
    fclose(file);
}

static void flush_finishes_short_writes_and_retries_eintr(void **state)
{
    (void)state;
    static struct output out;
    output_init(&out, ends[1]);
    assert_int_equal(output_add(&out, "abcdefgh\n", 9), 0);
    mock_write_cap(ends[1], 3);
    mock_write_fail(ends[1], EINTR, 2);
    mock_write_record(ends[1]);
    assert_int_equal(output_flush(&out), 0);
    assert_int_equal(mock_write_count(), 3); /* 3 + 3 + 3, after two EINTRs */
    expect_in_pipe("abcdefgh\n", 9);
}

/* out holds "x\n", and its next write fails with EPIPE. */
static void output_to_a_broken_pipe(struct output *out)
{
    output_init(out, ends[1]);
    assert_int_equal(output_add(out, "x\n", 2), 0);
    mock_write_fail(ends[1], EPIPE, 1);
}

static void flush_reports_a_failed_write(void **state)
{
    (void)state;
    static struct output out;
    output_to_a_broken_pipe(&out);
    capture_begin();
    int result = output_flush(&out);
    const char *err = capture_end();
    assert_int_equal(result, -1);
    assert_string_equal(err, "test: standard output: Broken pipe\n");
}

/* A failure is reported once and remembered: what comes after is dropped
   without another error line, and the exit status is 1. */
static void a_failure_is_reported_once_and_gives_status_1(void **state)
{
    (void)state;
    static struct output out;
    output_to_a_broken_pipe(&out);
    capture_begin();
    assert_int_equal(output_flush(&out), -1);
    assert_int_equal(output_line(&out, "Received: ", "y", 1), -1);
    assert_int_equal(output_flush(&out), -1);
    int status = output_finish(&out, 0);
    const char *err = capture_end();
    assert_int_equal(status, 1);
    assert_string_equal(err, "test: standard output: Broken pipe\n");
}

static void finish_writes_out_and_gives_the_status(void **state)
{
    (void)state;
    static struct output out;
    output_init(&out, ends[1]);
    assert_int_equal(output_line(&out, "Received: ", "z", 1), 0);
    assert_int_equal(output_finish(&out, 0), 0);
    expect_in_pipe("Received: z\n", 12);
    assert_int_equal(output_finish(&out, 1), 1);
}

/* After a stop signal: what is held is written out, and the status is
   128 + the signal, whatever status the caller had in mind. */
static void finish_after_a_stop_signal_gives_130(void **state)
{
    (void)state;
    static struct output out;
    output_init(&out, ends[1]);
    assert_int_equal(output_line(&out, "", "held", 4), 0);
    mock_raise(SIGINT);
    assert_int_equal(output_finish(&out, 0), 130);
    expect_in_pipe("held\n", 5);
}

/* A stop signal cuts a write short: the flush must stop there, keeping the
   rest, instead of writing on (into what may be a stalled output). */
static void a_stop_signal_after_a_short_write_is_not_ignored(void **state)
{
    (void)state;
    static struct output out;
    static char text[1000];
    memset(text, 't', sizeof text);
    output_init(&out, ends[1]);
    assert_int_equal(output_add(&out, text, sizeof text), 0);
    mock_write_cap(ends[1], 100);
    mock_signal_after_write(ends[1], 1, SIGINT);
    mock_write_record(ends[1]);
    assert_int_equal(output_flush(&out), 0);
    assert_int_equal(signals_stop_requested(), SIGINT);
    assert_int_equal(mock_write_count(), 1); /* not 10 */

    /* What is held goes out before the exit, all of it, once. */
    assert_int_equal(output_flush_before_exit(&out), 0);
    expect_in_pipe(text, sizeof text);
}

static void a_stop_signal_instead_of_eintr_retry(void **state)
{
    (void)state;
    static struct output out;
    output_init(&out, ends[1]);
    assert_int_equal(output_add(&out, "held\n", 5), 0);
    mock_write_fail(ends[1], EINTR, 1);
    mock_signal_after_write(ends[1], 1, SIGTERM);
    mock_write_record(ends[1]);
    assert_int_equal(output_flush(&out), 0);
    assert_int_equal(mock_write_count(), 0); /* interrupted, and not retried */
    assert_int_equal(output_flush_before_exit(&out), 0);
    expect_in_pipe("held\n", 5);
    assert_int_equal(signals_exit_status(), 143);
}

/* Appending to a full buffer after a stop signal writes the patient way:
   nothing already taken from the pipe is dropped. */
static void a_full_buffer_after_a_stop_signal_loses_nothing(void **state)
{
    (void)state;
    static struct output out;
    static char block[40000], got[80000 + 1];
    memset(block, 'q', sizeof block);
    FILE *file = tmpfile();
    assert_non_null(file);
    output_init(&out, fileno(file));
    mock_raise(SIGTERM);
    assert_int_equal(output_add(&out, block, sizeof block), 0);
    assert_int_equal(output_add(&out, block, sizeof block), 0); /* does not fit */
    assert_int_equal(output_flush(&out), 0);                    /* stops at once */
    assert_int_equal(output_flush_before_exit(&out), 0);
    rewind(file);
    assert_int_equal(fread(got, 1, sizeof got, file), 2 * sizeof block);
    fclose(file);
}

/* Fill the pipe so that it takes nothing more. */
static void fill_pipe(void)
{
    static char block[4096];
    fcntl(ends[1], F_SETFL, O_NONBLOCK);
    while (__real_write(ends[1], block, sizeof block) > 0)
        ;
    fcntl(ends[1], F_SETFL, 0);
}

static void gives_up_on_a_stalled_output(void **state)
{
    (void)state;
    static struct output out;
    output_init(&out, ends[1]);
    assert_int_equal(output_add(&out, "never read\n", 11), 0);
    fill_pipe();
    mock_raise(SIGINT);
    /* Nobody reads: after OUTPUT_STALL_SECONDS it gives up, and does not
       hang (the test's timeout would catch that). */
    assert_int_equal(output_flush_before_exit(&out), -1);
    assert_int_equal(output_add(&out, "dropped\n", 8), 0); /* abandoned: no more waiting */
}

static void a_second_signal_ends_the_wait(void **state)
{
    (void)state;
    static struct output out;
    static char text[3000];
    memset(text, 's', sizeof text);
    output_init(&out, ends[1]);
    assert_int_equal(output_add(&out, text, sizeof text), 0);
    mock_raise(SIGTERM);
    mock_write_cap(ends[1], 1000);
    mock_signal_after_write(ends[1], 1, SIGINT); /* the second signal */
    mock_write_record(ends[1]);
    assert_int_equal(output_flush_before_exit(&out), -1);
    assert_int_equal(mock_write_count(), 1); /* gave up after it */
    assert_int_equal(signals_exit_status(), 143); /* the first one counts */
}

/* A reader that empties the pipe a little at a time: standard output is
   slow, but it keeps taking bytes, so everything must get through. */
static void *read_slowly(void *arg)
{
    size_t *total = arg;
    char buffer[512];
    for (;;) {
        ssize_t n = __real_read(ends[0], buffer, sizeof buffer);
        if (n <= 0)
            return NULL;
        *total += (size_t)n;
    }
}

static void a_slow_output_that_keeps_taking_gets_everything(void **state)
{
    (void)state;
    static struct output out;
    static char text[60000];
    memset(text, 'z', sizeof text);
    output_init(&out, ends[1]);
    assert_int_equal(output_add(&out, text, sizeof text), 0);
    fill_pipe();
    mock_raise(SIGTERM);
    size_t total = 0;
    sigset_t stop, old;
    sigemptyset(&stop);
    signals_add_stop_signals(&stop);
    pthread_t reader;
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    assert_int_equal(pthread_create(&reader, NULL, read_slowly, &total), 0);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    assert_int_equal(output_flush_before_exit(&out), 0);
    close(ends[1]);
    pthread_join(reader, NULL);
    ends[1] = open("/dev/null", O_WRONLY); /* for teardown */
    assert_true(total >= sizeof text);
}

static void report_prints_a_long_path_whole_in_one_write(void **state)
{
    (void)state;
    static char path[5001], expected[5100];
    memset(path, 'p', 5000);
    path[5000] = '\0';
    snprintf(expected, sizeof expected, "test: %s: exists and is not a named pipe\n", path);
    mock_write_record(STDERR_FILENO);
    capture_begin();
    errno = ENOENT;
    report("%s: exists and is not a named pipe", path);
    int saved_errno = errno;
    const char *err = capture_end();
    assert_int_equal(strlen(err), strlen(expected));
    assert_string_equal(err, expected);
    assert_int_equal(mock_write_count(), 1);
    assert_int_equal(saved_errno, ENOENT); /* left as it was */
}

static void print_reports_a_full_output(void **state)
{
    (void)state;
    int saved = dup(STDOUT_FILENO);
    int full = open("/dev/full", O_WRONLY);
    assert_true(full >= 0);
    dup2(full, STDOUT_FILENO);
    capture_begin();
    int result = output_print("text\n");
    const char *err = capture_end();
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(full);
    assert_int_equal(result, -1);
    assert_string_equal(err, "test: standard output: No space left on device\n");
}

#define OUTPUT_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    report_set_program("test");
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        OUTPUT_TEST(holds_until_flushed_then_one_write),
        OUTPUT_TEST(writes_when_full_in_order),
        OUTPUT_TEST(flush_finishes_short_writes_and_retries_eintr),
        OUTPUT_TEST(flush_reports_a_failed_write),
        OUTPUT_TEST(a_failure_is_reported_once_and_gives_status_1),
        OUTPUT_TEST(finish_writes_out_and_gives_the_status),
        OUTPUT_TEST(finish_after_a_stop_signal_gives_130),
        OUTPUT_TEST(a_stop_signal_after_a_short_write_is_not_ignored),
        OUTPUT_TEST(a_stop_signal_instead_of_eintr_retry),
        OUTPUT_TEST(a_full_buffer_after_a_stop_signal_loses_nothing),
        OUTPUT_TEST(gives_up_on_a_stalled_output),
        OUTPUT_TEST(a_second_signal_ends_the_wait),
        OUTPUT_TEST(a_slow_output_that_keeps_taking_gets_everything),
        OUTPUT_TEST(report_prints_a_long_path_whole_in_one_write),
        OUTPUT_TEST(print_reports_a_full_output),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
