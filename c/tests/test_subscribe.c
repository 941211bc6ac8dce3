/* test_subscribe.c: the subscriber's loop against a real FIFO: every golden
   vector gives exactly NAME.out (and NAME.err), a backlog is printed without
   a write per message, and SIGTERM while idle ends it with status 143. */
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
#include "lib/report.h"
#include "lib/signals.h"
#include "lib/subscribe.h"
#include "mock_io.h"
#include "vectors.h"


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

static void start_writer(struct writer *w, const struct bytes *bytes)
{
    w->bytes = bytes;
    /* Only the main thread may take SIGINT and SIGTERM. */
    sigset_t stop, old;
    sigemptyset(&stop);
    signals_add_stop_signals(&stop);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    assert_int_equal(pthread_create(&w->thread, NULL, write_and_close, w), 0);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void read_whole(FILE *file, struct bytes *got)
{
    fflush(file);
    rewind(file);
    got->data = malloc(1 << 20);
    got->len = fread(got->data, 1, 1 << 20, file);
}

static void every_vector_gives_its_output(void **state)
{
    (void)state;
    struct vector *vectors;
    size_t count = vectors_load("test", scratch_fifo, &vectors);
    for (size_t i = 0; i < count; i++) {
        const struct vector *v = &vectors[i];
        FILE *output = tmpfile();
        static struct subscriber subscriber;
        struct writer writer;
        subscriber_init(&subscriber, scratch_fifo, true, fileno(output));
        start_writer(&writer, &v->pipe);
        capture_begin();
        int status = subscriber_run(&subscriber);
        const char *err = capture_end();
        pthread_join(writer.thread, NULL);

        struct bytes got;
        read_whole(output, &got);
        if (got.len != v->out.len || memcmp(got.data, v->out.data, got.len) != 0)
            fail_msg("%s: printed %zu bytes, expected %zu", v->name, got.len, v->out.len);
        assert_string_equal(err, v->from_stdin ? "" : v->err.data);
        assert_int_equal(status, 0);
        free(got.data);
        fclose(output);
    }
    vectors_free(vectors, count);
}

static void a_backlog_is_printed_without_a_write_per_message(void **state)
{
    (void)state;
    /* 500 frames already waiting in the pipe, then end of file. */
    static char frames[500 * 8];
    for (int i = 0; i < 500; i++)
        snprintf(frames + i * 8, 9, "msg %03d\n", i);
    int ends[2];
    assert_int_equal(pipe(ends), 0);
    assert_int_equal(__real_write(ends[1], frames, sizeof frames), (ssize_t)sizeof frames);
    close(ends[1]);
    fcntl(ends[0], F_SETFL, O_NONBLOCK);

    FILE *output = tmpfile();
    static struct subscriber subscriber;
    subscriber_init(&subscriber, scratch_fifo, true, fileno(output));
    mock_write_record(fileno(output));
    mock_read_fail(ends[0], EINTR, 2); /* interrupted reads are retried */
    assert_int_equal(subscriber_drain(&subscriber, ends[0]), DRAIN_EOF);
    assert_int_equal(mock_write_count(), 0); /* all still in the buffer */
    assert_int_equal(out_flush(&subscriber.out), 0);
    assert_int_equal(mock_write_count(), 1); /* 500 messages, one write */

    struct bytes got;
    read_whole(output, &got);
    assert_int_equal(got.len, 500 * strlen("Received: msg 000\n"));
    assert_memory_equal(got.data, "Received: msg 000\nReceived: msg 001\n", 36);
    free(got.data);
    fclose(output);
    close(ends[0]);
}

static void *send_sigterm_later(void *arg)
{
    (void)arg;
    struct timespec delay = {0, 200 * 1000000L};
    nanosleep(&delay, NULL);
    kill(getpid(), SIGTERM);
    return NULL;
}

/* Last: it leaves SIGTERM recorded for the rest of the process. */
static void sigterm_while_waiting_flushes_and_gives_143(void **state)
{
    (void)state;
    assert_int_equal(signals_install(), 0);
    signals_exit_at_once(false);

    /* A writer that sends one message and then stays connected, idle. */
    int reader = fifo_open_reader(scratch_fifo);
    int writer = open(scratch_fifo, O_WRONLY);
    assert_int_equal(__real_write(writer, "before\n", 7), 7);

    FILE *output = tmpfile();
    static struct subscriber subscriber;
    subscriber_init(&subscriber, scratch_fifo, false, fileno(output));
    pthread_t killer;
    sigset_t stop, old;
    sigemptyset(&stop);
    signals_add_stop_signals(&stop);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    pthread_create(&killer, NULL, send_sigterm_later, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);

    assert_int_equal(subscriber_drain(&subscriber, reader), DRAIN_SIGNAL);
    pthread_join(killer, NULL);
    assert_int_equal(signals_exit_status(), 143);
    struct bytes got;
    read_whole(output, &got);
    assert_int_equal(got.len, 17); /* flushed before it went to sleep */
    assert_memory_equal(got.data, "Received: before\n", 17);
    free(got.data);
    fclose(output);
    close(writer);
    close(reader);
}

#define SUBSCRIBE_TEST(name) cmocka_unit_test_setup_teardown(name, scratch_fifo_setup, scratch_fifo_teardown)

int main(void)
{
    report_set_program("test");
    const struct CMUnitTest tests[] = {
        SUBSCRIBE_TEST(every_vector_gives_its_output),
        SUBSCRIBE_TEST(a_backlog_is_printed_without_a_write_per_message),
        SUBSCRIBE_TEST(sigterm_while_waiting_flushes_and_gives_143),
    };
    return cmocka_run_group_tests_name("subscribe", tests, NULL, NULL);
}
