/* test_publisher.c: the publisher program itself, c/publisher.c, run in
   this process (its main() renamed) against a real FIFO with a reader
   thread at the other end. Every stdin vector must put exactly its
   NAME.pipe bytes into the pipe, in writes of whole frames of at most 4096
   bytes, with NAME.err's lines and exit status; the batch boundary falls
   exactly at 4096 bytes; a closed standard error stays off the pipe. */
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
#include <unistd.h>

#include "capture.h"
#include "mock_io.h"
#include "scratch.h"
#include "vectors.h"

#define main publisher_main
#include "publisher.c" /* c/publisher.c, found through -Ic */
#undef main

/* A subscriber stand-in: opens the FIFO (blocking) and reads it to EOF. */
struct reader {
    pthread_t thread;
    struct bytes got;
};

static void *read_to_eof(void *arg)
{
    struct reader *r = arg;
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

/* What a run of the publisher gave: its status, what the reader at the
   other end of the FIFO got, and what it printed on standard error (the
   waiting notice left out). */
struct run {
    int status;
    struct bytes pipe;
    char err[8192];
};

static void drop_waiting_notice(char *text)
{
    char notice[512];
    snprintf(notice, sizeof notice, "c-publisher: %s: waiting for a subscriber\n", scratch_fifo);
    char *at = strstr(text, notice);
    if (at != NULL)
        memmove(at, at + strlen(notice), strlen(at + strlen(notice)) + 1);
}

/* main() returns without closing the pipe, as exit() would: close the
   descriptor it left open for writing on the FIFO (not the reader thread's),
   so that the reader sees end of file. */
static void close_fifo_descriptors(void)
{
    struct stat fifo, st;
    assert_int_equal(stat(scratch_fifo, &fifo), 0);
    for (int fd = 3; fd < 1024; fd++)
        if (fstat(fd, &st) == 0 && st.st_ino == fifo.st_ino && st.st_dev == fifo.st_dev &&
            (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY)
            close(fd);
}

/* Run the publisher with `input` as its standard input and a reader thread
   at the other end of the FIFO; its standard error caught, or closed. */
enum stderr_mode { CAPTURE_STDERR, CLOSE_STDERR };

static void run_publisher_with(const char *input, size_t len, struct run *run,
                               enum stderr_mode mode)
{
    FILE *file = tmpfile();
    assert_non_null(file);
    assert_int_equal(fwrite(input, 1, len, file), len);
    rewind(file);
    int saved_stdin = dup(STDIN_FILENO);
    dup2(fileno(file), STDIN_FILENO);

    struct reader reader;
    assert_int_equal(pthread_create(&reader.thread, NULL, read_to_eof, &reader), 0);
    char *argv[] = {"c-publisher", "--pipe", scratch_fifo, NULL};
    int saved_stderr = -1;
    if (mode == CAPTURE_STDERR) {
        capture_begin();
    } else {
        saved_stderr = dup(STDERR_FILENO);
        close(STDERR_FILENO);
    }
    run->status = publisher_main(3, argv);
    run->err[0] = '\0';
    if (mode == CAPTURE_STDERR) {
        snprintf(run->err, sizeof run->err, "%s", capture_end());
    } else {
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
    }
    drop_waiting_notice(run->err);
    close_fifo_descriptors();
    pthread_join(reader.thread, NULL);
    run->pipe = reader.got;
    dup2(saved_stdin, STDIN_FILENO);
    close(saved_stdin);
    fclose(file);
}

static void run_publisher(const char *input, size_t len, struct run *run)
{
    run_publisher_with(input, len, run, CAPTURE_STDERR);
}

/* Every write into the pipe: whole frames, at most PIPE_BUF bytes. */
static void expect_whole_frame_writes(const struct bytes *pipe)
{
    size_t offset = 0;
    for (size_t w = 0; w < mock_write_count(); w++) {
        size_t size = mock_write_size(w);
        assert_true(size >= 2 && size <= FRAME_MAX);
        offset += size;
        assert_int_equal(pipe->data[offset - 1], '\n');
    }
    assert_int_equal(offset, pipe->len);
}

static void every_stdin_vector_gives_its_pipe_bytes(void **state)
{
    (void)state;
    struct vector *vectors;
    size_t count = vectors_load("c-publisher", scratch_fifo, &vectors);
    for (size_t i = 0; i < count; i++) {
        const struct vector *v = &vectors[i];
        if (!v->from_stdin)
            continue;
        struct run run;
        mock_write_record(MOCK_ANY_FD);
        run_publisher(v->in.data, v->in.len, &run);
        if (run.pipe.len != v->pipe.len || memcmp(run.pipe.data, v->pipe.data, v->pipe.len))
            fail_msg("%s: the pipe got %zu bytes, expected %zu", v->name, run.pipe.len,
                     v->pipe.len);
        assert_string_equal(run.err, v->err.data);
        assert_int_equal(run.status, v->err.len > 0 ? 1 : 0);
        expect_whole_frame_writes(&run.pipe);
        free(run.pipe.data);
    }
    vectors_free(vectors, count);
}

/* "ab" LF, then a message of `len` bytes and LF. */
static void send_two_frames(size_t len, struct run *run)
{
    static char input[3 + MESSAGE_MAX + 1];
    memcpy(input, "ab\n", 3);
    memset(input + 3, 'w', len);
    input[3 + len] = '\n';
    mock_write_record(MOCK_ANY_FD);
    run_publisher(input, 3 + len + 1, run);
    assert_int_equal(run->status, 0);
    assert_int_equal(run->pipe.len, 3 + len + 1);
    expect_whole_frame_writes(&run->pipe);
}

static void frames_of_4096_bytes_share_one_write(void **state)
{
    (void)state;
    struct run run;
    send_two_frames(4092, &run); /* 3 + 4093 = 4096 */
    assert_int_equal(mock_write_count(), 1);
    assert_int_equal(mock_write_size(0), 4096);
    free(run.pipe.data);
}

static void frames_of_4097_bytes_go_in_two_writes(void **state)
{
    (void)state;
    struct run run;
    send_two_frames(4093, &run); /* 3 + 4094 = 4097 */
    assert_int_equal(mock_write_count(), 2);
    assert_int_equal(mock_write_size(0), 3);
    assert_int_equal(mock_write_size(1), 4094);
    free(run.pipe.data);
}

/* printf 'hello\n%05000d\n' 0 | c-publisher -p P 2>&- : the error about
   line 2 must not go into the pipe, where the FIFO would otherwise be
   descriptor 2. */
static void a_closed_standard_error_stays_off_the_pipe(void **state)
{
    (void)state;
    static char input[6 + 5000 + 1];
    memcpy(input, "hello\n", 6);
    memset(input + 6, '0', 5000);
    input[5006] = '\n';
    struct run run;
    run_publisher_with(input, sizeof input, &run, CLOSE_STDERR);
    assert_int_equal(run.status, 1);
    assert_int_equal(run.pipe.len, 6);
    assert_memory_equal(run.pipe.data, "hello\n", 6);
    free(run.pipe.data);
}

static void a_read_error_on_standard_input_is_reported(void **state)
{
    (void)state;
    struct run run;
    mock_read_fail(STDIN_FILENO, EIO, 1);
    run_publisher("lost\n", 5, &run);
    assert_int_equal(run.status, 1);
    assert_string_equal(run.err, "c-publisher: standard input: Input/output error\n");
    assert_int_equal(run.pipe.len, 0);
    free(run.pipe.data);
}

static void exit_after_a_rejected_line_still_gives_1(void **state)
{
    (void)state;
    struct run run;
    run_publisher("bad\r\r\nexit\nnever\n", 17, &run);
    assert_int_equal(run.status, 1);
    assert_int_equal(run.pipe.len, 5);
    assert_memory_equal(run.pipe.data, "exit\n", 5);
    free(run.pipe.data);
}

#define PUBLISHER_TEST(name) \
    cmocka_unit_test_setup_teardown(name, scratch_fifo_setup, scratch_fifo_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        PUBLISHER_TEST(every_stdin_vector_gives_its_pipe_bytes),
        PUBLISHER_TEST(frames_of_4096_bytes_share_one_write),
        PUBLISHER_TEST(frames_of_4097_bytes_go_in_two_writes),
        PUBLISHER_TEST(a_closed_standard_error_stays_off_the_pipe),
        PUBLISHER_TEST(a_read_error_on_standard_input_is_reported),
        PUBLISHER_TEST(exit_after_a_rejected_line_still_gives_1),
    };
    return cmocka_run_group_tests_name("publisher", tests, NULL, NULL);
}
