/* test_io.c: write_all(), read_retry() and the output buffer, with read()
   and write() made to fail on demand (mock_io.h): EINTR, short writes, EPIPE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/io.h"
#include "mock_io.h"

static int ends[2]; /* a pipe: the library writes into [1], the test reads [0] */

static int setup(void **state)
{
    (void)state;
    mock_io_reset();
    return pipe(ends);
}

static int teardown(void **state)
{
    (void)state;
    close(ends[0]);
    close(ends[1]);
    mock_io_reset();
    return 0;
}

static void expect_in_pipe(const char *expected, size_t len)
{
    char buffer[65536 * 2];
    size_t got = 0;
    fcntl(ends[0], F_SETFL, O_NONBLOCK);
    for (;;) {
        ssize_t n = __real_read(ends[0], buffer + got, sizeof buffer - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    assert_int_equal(got, len);
    assert_memory_equal(buffer, expected, len);
}

static void write_all_retries_after_eintr(void **state)
{
    (void)state;
    mock_write_fail(ends[1], EINTR, 2);
    assert_int_equal(write_all(ends[1], "hello\n", 6), 0);
    expect_in_pipe("hello\n", 6);
}

static void write_all_finishes_short_writes(void **state)
{
    (void)state;
    mock_write_cap(ends[1], 3);
    mock_write_record(ends[1]);
    assert_int_equal(write_all(ends[1], "abcdefgh\n", 9), 0);
    assert_int_equal(mock_write_count(), 3); /* 3 + 3 + 3 */
    expect_in_pipe("abcdefgh\n", 9);
}

static void write_all_reports_epipe(void **state)
{
    (void)state;
    mock_write_fail(ends[1], EPIPE, 1);
    errno = 0;
    assert_int_equal(write_all(ends[1], "lost?\n", 6), -1);
    assert_int_equal(errno, EPIPE);
    expect_in_pipe("", 0); /* nothing half-written */
}

static void read_retry_retries_after_eintr(void **state)
{
    (void)state;
    assert_int_equal(__real_write(ends[1], "x\n", 2), 2);
    mock_read_fail(ends[0], EINTR, 3);
    char buffer[8];
    assert_int_equal(read_retry(ends[0], buffer, sizeof buffer), 2);
    assert_memory_equal(buffer, "x\n", 2);
}

static void read_retry_passes_other_errors_on(void **state)
{
    (void)state;
    mock_read_fail(ends[0], EIO, 1);
    char buffer[8];
    assert_int_equal(read_retry(ends[0], buffer, sizeof buffer), -1);
    assert_int_equal(errno, EIO);
}

static void out_buffer_holds_until_flushed(void **state)
{
    (void)state;
    static struct out_buffer out;
    out_init(&out, ends[1]);
    mock_write_record(ends[1]);
    for (int i = 0; i < 100; i++)
        assert_int_equal(out_append(&out, "Received: m\n", 12), 0);
    assert_int_equal(mock_write_count(), 0); /* nothing written per message */
    assert_int_equal(out_flush(&out), 0);
    assert_int_equal(mock_write_count(), 1); /* one write for all 100 */
    assert_int_equal(mock_write_size(0), 1200);
}

static void out_buffer_writes_when_full_in_order(void **state)
{
    (void)state;
    static struct out_buffer out;
    static char big[70000], expected[70000 + 2], got[70000 + 3];
    memset(big, 'b', sizeof big);
    expected[0] = 'a';
    memcpy(expected + 1, big, sizeof big);
    expected[sizeof big + 1] = 'c';

    /* More than a pipe holds, so into a file. */
    FILE *file = tmpfile();
    assert_non_null(file);
    out_init(&out, fileno(file));
    assert_int_equal(out_append(&out, "a", 1), 0);
    assert_int_equal(out_append(&out, big, sizeof big), 0); /* larger than the buffer */
    assert_int_equal(out_append(&out, "c", 1), 0);
    assert_int_equal(out_flush(&out), 0);
    rewind(file);
    assert_int_equal(fread(got, 1, sizeof got, file), sizeof expected);
    assert_memory_equal(got, expected, sizeof expected);
    fclose(file);
}

static void out_buffer_reports_a_failed_write(void **state)
{
    (void)state;
    static struct out_buffer out;
    out_init(&out, ends[1]);
    assert_int_equal(out_append(&out, "x\n", 2), 0);
    mock_write_fail(ends[1], EPIPE, 1);
    assert_int_equal(out_flush(&out), -1);
    assert_int_equal(errno, EPIPE);
}

#define IO_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        IO_TEST(write_all_retries_after_eintr),
        IO_TEST(write_all_finishes_short_writes),
        IO_TEST(write_all_reports_epipe),
        IO_TEST(read_retry_retries_after_eintr),
        IO_TEST(read_retry_passes_other_errors_on),
        IO_TEST(out_buffer_holds_until_flushed),
        IO_TEST(out_buffer_writes_when_full_in_order),
        IO_TEST(out_buffer_reports_a_failed_write),
    };
    return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}
