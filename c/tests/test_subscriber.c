/* test_subscriber.c: the subscriber program itself, c/subscriber.c, run in
   this process (its main() renamed) against a real FIFO. Every golden
   vector must print exactly NAME.out (with --raw, NAME.out-raw) and
   NAME.err; a backlog goes out in one write; after SIGINT or SIGTERM it
   prints the rest of the chunk it read, reads nothing more but the rest of
   a frame begun, and exits 130 or 143. */
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

#define main subscriber_main
#include "subscriber.c" /* c/subscriber.c, found through -Ic */
#undef main

/* A publisher stand-in: opens the FIFO for writing (blocking until the
   subscriber is there), writes the bytes, closes. */
struct writer {
    pthread_t thread;
    const struct bytes *bytes;
};

static void *write_and_close(void *arg)
{
    struct writer *w = arg;
    int fd = open(scratch_fifo, O_WRONLY);
    for (size_t done = 0; done < w->bytes->len;) {
        ssize_t n = __real_write(fd, w->bytes->data + done, w->bytes->len - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
    return NULL;
}

/* Start a thread with SIGINT and SIGTERM blocked: only the main thread,
   where the subscriber runs, may take them. */
static void start_thread(pthread_t *thread, void *(*body)(void *), void *arg)
{
    sigset_t stop, old;
    sigemptyset(&stop);
    signals_add_stop_signals(&stop);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    assert_int_equal(pthread_create(thread, NULL, body, arg), 0);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* main() returns without closing the pipe, as exit() would. The test's
   own descriptors on the FIFO are noted before it runs, and every other one
   on the FIFO is closed after. */
#define MAX_FD 1024

static bool on_fifo(int fd)
{
    struct stat fifo, st;
    return stat(scratch_fifo, &fifo) == 0 && fstat(fd, &st) == 0 &&
           st.st_ino == fifo.st_ino && st.st_dev == fifo.st_dev;
}

static void note_fifo_descriptors(bool *open_before)
{
    for (int fd = 0; fd < MAX_FD; fd++)
        open_before[fd] = on_fifo(fd);
}

static void close_new_fifo_descriptors(const bool *open_before)
{
    for (int fd = 3; fd < MAX_FD; fd++)
        if (!open_before[fd] && on_fifo(fd))
            close(fd);
}

struct run {
    int status;
    struct bytes out;
    char err[8192];
};

/* Run the subscriber with these options (after --pipe FIFO), standard
   output into a file; return its status and what it printed. */
static void run_subscriber(const char *option1, const char *option2, struct run *run)
{
    FILE *output = tmpfile();
    assert_non_null(output);
    int saved_stdout = dup(STDOUT_FILENO);
    dup2(fileno(output), STDOUT_FILENO);
    char *argv[] = {"c-subscriber", "--pipe", scratch_fifo, (char *)option1, (char *)option2,
                    NULL};
    int argc = 3 + (option1 != NULL) + (option2 != NULL);
    static bool open_before[MAX_FD];
    note_fifo_descriptors(open_before);
    capture_begin();
    run->status = subscriber_main(argc, argv);
    snprintf(run->err, sizeof run->err, "%s", capture_end());
    dup2(saved_stdout, STDOUT_FILENO);
    close(saved_stdout);
    close_new_fifo_descriptors(open_before);

    rewind(output);
    run->out.data = malloc(1 << 20);
    assert_non_null(run->out.data);
    run->out.len = fread(run->out.data, 1, 1 << 20, output);
    fclose(output);
}

static void check_vector(const struct vector *v, bool raw)
{
    struct writer writer = {.bytes = &v->pipe};
    struct run run;
    start_thread(&writer.thread, write_and_close, &writer);
    run_subscriber("--once", raw ? "--raw" : NULL, &run);
    pthread_join(writer.thread, NULL);

    const struct bytes *expected = raw ? &v->out_raw : &v->out;
    if (run.out.len != expected->len || memcmp(run.out.data, expected->data, run.out.len) != 0)
        fail_msg("%s%s: printed %zu bytes, expected %zu", v->name, raw ? " --raw" : "",
                 run.out.len, expected->len);
    assert_string_equal(run.err, v->from_stdin ? "" : v->err.data);
    assert_int_equal(run.status, 0);
    free(run.out.data);
}

static void every_vector_prints_its_output(void **state)
{
    (void)state;
    struct vector *vectors;
    size_t count = vectors_load("c-subscriber", scratch_fifo, &vectors);
    for (size_t i = 0; i < count; i++)
        check_vector(&vectors[i], false);
    vectors_free(vectors, count);
}

static void every_vector_prints_its_raw_output(void **state)
{
    (void)state;
    struct vector *vectors;
    size_t count = vectors_load("c-subscriber", scratch_fifo, &vectors);
    for (size_t i = 0; i < count; i++)
        check_vector(&vectors[i], true);
    vectors_free(vectors, count);
}

/* A writer end the test holds, with these bytes already in the pipe, and a
   reader end of its own, so that what the subscriber leaves stays there. */
static void preload_pipe(const char *bytes, int *reader, int *writer)
{
    *reader = open(scratch_fifo, O_RDONLY | O_NONBLOCK);
    *writer = open(scratch_fifo, O_WRONLY | O_NONBLOCK);
    assert_true(*reader >= 0 && *writer >= 0);
    size_t len = strlen(bytes);
    assert_int_equal(__real_write(*writer, bytes, len), (ssize_t)len);
}

static void a_backlog_is_printed_in_one_write(void **state)
{
    (void)state;
    static char frames[500 * 8 + 1]; /* "msg NNN" LF each, and a NUL */
    for (unsigned i = 0; i < 500; i++) {
        char frame[32];
        snprintf(frame, sizeof frame, "msg %03u\n", i);
        memcpy(frames + i * 8, frame, 8);
    }
    int reader, writer;
    preload_pipe(frames, &reader, &writer);
    close(writer); /* 500 frames waiting, then end of file */
    mock_write_record(STDOUT_FILENO);
    struct run run;
    run_subscriber("--once", NULL, &run);
    close(reader);
    assert_int_equal(run.status, 0);
    assert_int_equal(mock_write_count(), 1); /* 500 messages, one write */
    assert_int_equal(run.out.len, 500 * strlen("Received: msg 000\n"));
    assert_memory_equal(run.out.data, "Received: msg 000\nReceived: msg 001\n", 36);
    free(run.out.data);
}

/* SIGTERM arrives right after the first read, which took three of the four
   frames waiting: those three are printed, the fourth stays in the pipe. */
static void after_sigterm_the_rest_of_the_chunk_is_printed_and_nothing_more_read(void **state)
{
    (void)state;
    int reader, writer;
    preload_pipe("one\ntwo\nthree\nfour\n", &reader, &writer);
    mock_read_cap(MOCK_ANY_FD, 14);
    mock_signal_after_read(MOCK_ANY_FD, 1, SIGTERM);
    mock_read_count_on(MOCK_ANY_FD);
    struct run run;
    run_subscriber(NULL, NULL, &run);
    int reads = mock_read_count();
    mock_io_reset();

    assert_int_equal(run.status, 143);
    assert_int_equal(reads, 1);
    assert_int_equal(run.out.len, 44);
    assert_memory_equal(run.out.data, "Received: one\nReceived: two\nReceived: three\n", 44);
    assert_string_equal(run.err, "");
    char rest[16];
    assert_int_equal(__real_read(reader, rest, sizeof rest), 5);
    assert_memory_equal(rest, "four\n", 5);
    free(run.out.data);
    close(writer);
    close(reader);
}

/* Run the subscriber on a pipe preloaded with these bytes (its writer kept
   open: no end of file), its first read() capped at first_read bytes, and
   the signal raised right after that read. Returns what was left in the
   pipe, in left (NUL-terminated). */
static void stop_after_first_read(const char *bytes, size_t first_read, int signo,
                                  struct run *run, char *left, size_t left_size)
{
    int reader, writer;
    preload_pipe(bytes, &reader, &writer);
    mock_read_cap(MOCK_ANY_FD, first_read);
    mock_signal_after_read(MOCK_ANY_FD, 1, signo);
    run_subscriber(NULL, NULL, run);
    mock_io_reset();
    ssize_t n = __real_read(reader, left, left_size - 1);
    left[n > 0 ? n : 0] = '\0';
    close(writer);
    close(reader);
}

/* The first read ends in the middle of "three": after SIGINT the rest of
   that frame is read, and nothing more, so "three" is printed whole and
   "four" stays in the pipe (PROTOCOL.md 4.8). */
static void after_sigint_a_frame_begun_is_read_to_its_end_and_nothing_more(void **state)
{
    (void)state;
    struct run run;
    char left[64];
    stop_after_first_read("one\ntwo\nthree\nfour\n", 10, SIGINT, &run, left, sizeof left);
    assert_int_equal(run.status, 130);
    assert_int_equal(run.out.len, 44);
    assert_memory_equal(run.out.data, "Received: one\nReceived: two\nReceived: three\n", 44);
    assert_string_equal(run.err, "");
    assert_string_equal(left, "four\n");
    free(run.out.data);
}

/* A writer wrote only part of a frame: after SIGTERM the part read is
   delivered as it is, as at end of file; nothing read is lost. */
static void after_sigterm_a_frame_cut_by_its_writer_is_delivered_as_it_is(void **state)
{
    (void)state;
    struct run run;
    char left[64];
    stop_after_first_read("one\ntw", 6, SIGTERM, &run, left, sizeof left);
    assert_int_equal(run.status, 143);
    assert_int_equal(run.out.len, 27);
    assert_memory_equal(run.out.data, "Received: one\nReceived: tw\n", 27);
    assert_string_equal(run.err, "");
    assert_string_equal(left, "");
    free(run.out.data);
}

/* The frame begun is overlong: the last pass reads MESSAGE_MAX + 2 bytes
   of it at most, and the frame is discarded with the bytes counted (the one
   read before the signal and 4097 after); its remainder stays in the pipe. */
static void after_sigint_an_overlong_frame_begun_is_read_no_further_than_the_limit(void **state)
{
    (void)state;
    static char bytes[2 + 5000 + 3 + 1];
    memcpy(bytes, "a\n", 2);
    memset(bytes + 2, 'x', 5000);
    memcpy(bytes + 5002, "\nb\n", 4);
    struct run run;
    static char left[8192];
    stop_after_first_read(bytes, 3, SIGINT, &run, left, sizeof left);
    assert_int_equal(run.status, 130);
    assert_int_equal(run.out.len, 12);
    assert_memory_equal(run.out.data, "Received: a\n", 12);
    char expected_err[512];
    snprintf(expected_err, sizeof expected_err,
             "c-subscriber: %s: discarded a frame of 4098 bytes, over the 4095-byte limit\n",
             scratch_fifo);
    assert_string_equal(run.err, expected_err);
    assert_int_equal(strlen(left), 5000 - 4098 + 3);
    assert_memory_equal(left + 5000 - 4098, "\nb\n", 3);
    free(run.out.data);
}

/* SIGINT while it waits for more (a publisher connected, idle): what it
   printed is out, and it exits 130. */
static void sigint_while_waiting_gives_130(void **state)
{
    (void)state;
    int reader, writer;
    preload_pipe("before\n", &reader, &writer);
    /* The second read finds the pipe empty (EAGAIN): the signal comes then,
       on the way to sleep. */
    mock_signal_after_read(MOCK_ANY_FD, 2, SIGINT);
    struct run run;
    run_subscriber(NULL, NULL, &run);
    mock_io_reset();
    assert_int_equal(run.status, 130);
    assert_int_equal(run.out.len, 17);
    assert_memory_equal(run.out.data, "Received: before\n", 17);
    free(run.out.data);
    close(writer);
    close(reader);
}

static void a_closed_standard_output_is_an_error(void **state)
{
    (void)state;
    int reader, writer;
    preload_pipe("hello\n", &reader, &writer);
    close(writer);
    int out[2];
    assert_int_equal(pipe(out), 0);
    close(out[0]); /* nobody reads standard output */
    int saved_stdout = dup(STDOUT_FILENO);
    dup2(out[1], STDOUT_FILENO);
    char *argv[] = {"c-subscriber", "--pipe", scratch_fifo, "--once", NULL};
    static bool open_before[MAX_FD];
    note_fifo_descriptors(open_before);
    capture_begin();
    int status = subscriber_main(4, argv);
    const char *err = capture_end();
    dup2(saved_stdout, STDOUT_FILENO);
    close(saved_stdout);
    close(out[1]);
    close_new_fifo_descriptors(open_before);
    close(reader);
    assert_int_equal(status, 1);
    assert_string_equal(err, "c-subscriber: standard output: Broken pipe\n");
}

static int setup(void **state)
{
    signal(SIGPIPE, SIG_IGN);
    return scratch_fifo_setup(state);
}

#define SUBSCRIBER_TEST(name) cmocka_unit_test_setup_teardown(name, setup, scratch_fifo_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        SUBSCRIBER_TEST(every_vector_prints_its_output),
        SUBSCRIBER_TEST(every_vector_prints_its_raw_output),
        SUBSCRIBER_TEST(a_backlog_is_printed_in_one_write),
        SUBSCRIBER_TEST(after_sigterm_the_rest_of_the_chunk_is_printed_and_nothing_more_read),
        SUBSCRIBER_TEST(sigint_while_waiting_gives_130),
        SUBSCRIBER_TEST(after_sigint_a_frame_begun_is_read_to_its_end_and_nothing_more),
        SUBSCRIBER_TEST(after_sigterm_a_frame_cut_by_its_writer_is_delivered_as_it_is),
        SUBSCRIBER_TEST(after_sigint_an_overlong_frame_begun_is_read_no_further_than_the_limit),
        SUBSCRIBER_TEST(a_closed_standard_output_is_an_error),
    };
    return cmocka_run_group_tests_name("subscriber", tests, NULL, NULL);
}
