/* test_publish.c: the publisher's loop against a real FIFO: every stdin
   vector gives exactly its NAME.pipe bytes in writes of whole frames of at
   most 4096 bytes, and a vanished subscriber costs nothing. */
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "scratch.h"
#include "lib/fifo.h"
#include "lib/publish.h"
#include "lib/report.h"
#include "mock_io.h"
#include "vectors.h"


/* A subscriber stand-in: opens the FIFO (blocking) and reads it to EOF. */
struct reader {
    pthread_t thread;
    int delay_ms;
    struct bytes got;
};

static void *read_to_eof(void *arg)
{
    struct reader *r = arg;
    struct timespec delay = {0, (long)r->delay_ms * 1000000L};
    nanosleep(&delay, NULL);
    int fd = open(scratch_fifo, O_RDONLY);
    size_t capacity = 1 << 16;
    r->got.data = malloc(capacity);
    r->got.len = 0;
    for (;;) {
        if (r->got.len == capacity)
            r->got.data = realloc(r->got.data, capacity *= 2);
        ssize_t n = __real_read(fd, r->got.data + r->got.len, capacity - r->got.len);
        if (n <= 0)
            break;
        r->got.len += (size_t)n;
    }
    close(fd);
    return NULL;
}

static void start_reader(struct reader *r, int delay_ms)
{
    r->delay_ms = delay_ms;
    assert_int_equal(pthread_create(&r->thread, NULL, read_to_eof, r), 0);
}

static void join_reader(struct reader *r) { pthread_join(r->thread, NULL); }

/* Drop the timing-dependent waiting notice from captured standard error. */
static void without_waiting_notices(char *text)
{
    char *line;
    while ((line = strstr(text, ": waiting for a subscriber\n")) != NULL) {
        char *start = line;
        while (start > text && start[-1] != '\n')
            start--;
        char *end = line + strlen(": waiting for a subscriber\n");
        memmove(start, end, strlen(end) + 1);
    }
}

static void every_stdin_vector_gives_its_pipe_bytes(void **state)
{
    (void)state;
    struct vector *vectors;
    size_t count = vectors_load("test", scratch_fifo, &vectors);
    for (size_t i = 0; i < count; i++) {
        const struct vector *v = &vectors[i];
        if (!v->from_stdin)
            continue;
        FILE *input = tmpfile();
        assert_int_equal(fwrite(v->in.data, 1, v->in.len, input), v->in.len);
        rewind(input);

        static struct publisher publisher;
        struct reader reader;
        publisher_init(&publisher, scratch_fifo, fileno(input), STDOUT_FILENO, false);
        start_reader(&reader, 0);
        mock_write_record(MOCK_ANY_FD);
        capture_begin();
        int status = publisher_run(&publisher);
        char *err = strdup(capture_end());
        close(publisher.pipe_fd);
        join_reader(&reader);
        fclose(input);

        if (reader.got.len != v->pipe.len || memcmp(reader.got.data, v->pipe.data, v->pipe.len))
            fail_msg("%s: the pipe got %zu bytes, expected %zu", v->name, reader.got.len,
                     v->pipe.len);
        without_waiting_notices(err);
        assert_string_equal(err, v->err.data);
        assert_int_equal(status, v->err.len > 0 ? 1 : 0);

        /* Whole frames only, at most PIPE_BUF bytes per write. */
        size_t offset = 0;
        for (size_t w = 0; w < mock_write_count(); w++) {
            size_t size = mock_write_size(w);
            assert_true(size >= 2 && size <= 4096);
            offset += size;
            assert_int_equal(v->pipe.data[offset - 1], '\n');
        }
        assert_int_equal(offset, v->pipe.len);
        free(err);
        free(reader.got.data);
    }
    vectors_free(vectors, count);
}

/* A publisher whose FIFO is open, with a reader thread at the other end. */
static void connect_publisher(struct publisher *publisher, struct reader *reader)
{
    publisher_init(publisher, scratch_fifo, STDIN_FILENO, STDOUT_FILENO, false);
    start_reader(reader, 0);
    capture_begin(); /* a waiting notice, if the reader is slow to come */
    publisher->pipe_fd = fifo_open_writer(scratch_fifo);
    capture_end();
    assert_true(publisher->pipe_fd >= 0);
}

/* Send the batch with one write() failing with err; return what was
   printed on standard error, and the result in *result. */
static char *send_failing_once(struct publisher *publisher, int err, int *result)
{
    mock_write_fail(publisher->pipe_fd, err, 1);
    capture_begin();
    *result = publisher_send_batch(publisher);
    return strdup(capture_end());
}

static void batch_is_resent_whole_after_epipe(void **state)
{
    (void)state;
    static struct publisher publisher;
    struct reader reader;
    connect_publisher(&publisher, &reader);
    frame_batch_add(&publisher.batch, "one", 3);
    frame_batch_add(&publisher.batch, "two", 3);
    int result;
    char *err = send_failing_once(&publisher, EPIPE, &result);
    close(publisher.pipe_fd);
    join_reader(&reader);

    char expected[512];
    snprintf(expected, sizeof expected, "test: %s: subscriber went away (broken pipe)\n",
             scratch_fifo);
    assert_int_equal(result, 0);
    assert_string_equal(err, expected);
    assert_int_equal(reader.got.len, 8); /* once, not twice */
    assert_memory_equal(reader.got.data, "one\ntwo\n", 8);
    free(err);
    free(reader.got.data);
}

static void unread_frames_survive_a_change_of_subscriber(void **state)
{
    (void)state;
    static struct publisher publisher;
    publisher_init(&publisher, scratch_fifo, STDIN_FILENO, STDOUT_FILENO, false);

    /* The first subscriber connects, reads nothing, and dies. */
    int first = open(scratch_fifo, O_RDONLY | O_NONBLOCK);
    publisher.pipe_fd = fifo_open_writer(scratch_fifo);
    assert_int_equal(__real_write(publisher.pipe_fd, "unread\n", 7), 7);
    close(first);

    /* The next write fails for real with EPIPE (SIGPIPE is ignored); the
       publisher waits for the next subscriber, who arrives a little later
       and gets the unread frame and the resent one. */
    struct reader second;
    start_reader(&second, 100);
    frame_batch_add(&publisher.batch, "after", 5);
    capture_begin();
    int result = publisher_send_batch(&publisher);
    capture_end();
    close(publisher.pipe_fd);
    join_reader(&second);

    assert_int_equal(result, 0);
    assert_int_equal(second.got.len, 13);
    assert_memory_equal(second.got.data, "unread\nafter\n", 13);
    free(second.got.data);
}

static void other_write_errors_are_reported_not_retried(void **state)
{
    (void)state;
    static struct publisher publisher;
    struct reader reader;
    connect_publisher(&publisher, &reader);
    frame_batch_add(&publisher.batch, "x", 1);
    int result;
    char *err = send_failing_once(&publisher, EIO, &result);
    close(publisher.pipe_fd);
    join_reader(&reader);

    char expected[512];
    snprintf(expected, sizeof expected, "test: %s: Input/output error\n", scratch_fifo);
    assert_int_equal(result, -1);
    assert_string_equal(err, expected);
    free(err);
    free(reader.got.data);
}

static void read_error_on_standard_input_is_reported(void **state)
{
    (void)state;
    static struct publisher publisher;
    struct reader reader;
    int input[2];
    assert_int_equal(pipe(input), 0);
    publisher_init(&publisher, scratch_fifo, input[0], STDOUT_FILENO, false);
    start_reader(&reader, 0);
    mock_read_fail(input[0], EIO, 1);
    capture_begin();
    int status = publisher_run(&publisher);
    char *err = strdup(capture_end());
    close(publisher.pipe_fd);
    join_reader(&reader);
    without_waiting_notices(err);
    assert_int_equal(status, 1);
    assert_string_equal(err, "test: standard input: Input/output error\n");
    close(input[0]);
    close(input[1]);
    free(err);
    free(reader.got.data);
}

#define PUBLISH_TEST(name) cmocka_unit_test_setup_teardown(name, scratch_fifo_setup, scratch_fifo_teardown)

int main(void)
{
    report_set_program("test");
    signal(SIGPIPE, SIG_IGN); /* as signals_install() does in the programs */
    const struct CMUnitTest tests[] = {
        PUBLISH_TEST(every_stdin_vector_gives_its_pipe_bytes),
        PUBLISH_TEST(batch_is_resent_whole_after_epipe),
        PUBLISH_TEST(unread_frames_survive_a_change_of_subscriber),
        PUBLISH_TEST(other_write_errors_are_reported_not_retried),
        PUBLISH_TEST(read_error_on_standard_input_is_reported),
    };
    return cmocka_run_group_tests_name("publish", tests, NULL, NULL);
}
