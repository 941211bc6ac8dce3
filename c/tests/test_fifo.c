/* test_fifo.c: the fifo module against real paths and real FIFOs: every
   kind of thing that can stand where the FIFO should be, FIFOs of another
   user or writable by others, the standard streams kept off the pipe,
   reading without blocking, reopening before closing, following the path
   while waiting (subscriber and publisher), a publisher's write surviving a
   subscriber that went away, and a publisher's close waiting until a
   subscriber has taken every frame. */
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "mock_io.h"
#include "scratch.h"
#include "lib/fifo.h"
#include "lib/output.h"
#include "lib/report.h"
#include "lib/signals.h"

static char path[256], other[256];

static int setup(void **state)
{
    (void)state;
    mock_io_reset();
    const char *dir = scratch_dir();
    snprintf(path, sizeof path, "%s/pipe", dir);
    snprintf(other, sizeof other, "%s/other", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove();
    return 0;
}

/* Run fifo_prepare(path) and check its result and its one error line. */
static void expect_prepare(int expected, const char *reason)
{
    char line[512] = "";
    if (reason != NULL)
        snprintf(line, sizeof line, "test: %s: %s\n", path, reason);
    capture_begin();
    int result = fifo_prepare(path);
    const char *err = capture_end();
    assert_int_equal(result, expected);
    assert_string_equal(err, line);
}

static void creates_a_missing_fifo_with_mode_0600(void **state)
{
    (void)state;
    mode_t old = umask(022);
    expect_prepare(0, NULL);
    umask(old);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
}

/* An existing FIFO of ours with exactly these permissions. */
static void make_fifo(mode_t mode)
{
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(chmod(path, mode), 0); /* whatever the umask */
}

static void accepts_an_existing_fifo_0644_left_as_it_was(void **state)
{
    (void)state;
    make_fifo(0644); /* a plain mkfifo under umask 022 */
    expect_prepare(0, NULL);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
}

static void accepts_group_write_0660(void **state)
{
    (void)state;
    make_fifo(0660); /* the owner's choice */
    expect_prepare(0, NULL);
}

static void refuses_a_fifo_others_may_write_to(void **state)
{
    (void)state;
    make_fifo(0622);
    expect_prepare(-1, "other users may write to it (mode 0622), so they could inject messages");
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0622); /* not changed */
}

/* A FIFO that belongs to uid 65534 (nobody): only root can make one. */
static bool make_fifo_of_nobody(mode_t mode)
{
    if (geteuid() != 0) {
        printf("skipped: only root can give a FIFO to another user (uid 65534)\n");
        return false;
    }
    make_fifo(mode);
    assert_int_equal(chown(path, 65534, 65534), 0);
    return true;
}

static void refuses_a_fifo_of_another_user(void **state)
{
    (void)state;
    if (!make_fifo_of_nobody(0600))
        skip();
    expect_prepare(-1, "belongs to another user (uid 65534), who could read or inject messages");
}

static void names_the_owner_when_both_checks_fail(void **state)
{
    (void)state;
    if (!make_fifo_of_nobody(0666))
        skip();
    expect_prepare(-1, "belongs to another user (uid 65534), who could read or inject messages");
}

/* The same checks again with fstat() on the opened descriptor: the FIFO
   changed between fifo_prepare() and the open. */
static void expect_open_refused(const char *reason, bool as_writer)
{
    char line[512];
    snprintf(line, sizeof line, "test: %s: %s\n", path, reason);
    int reader = open(path, O_RDONLY | O_NONBLOCK); /* so a writer need not wait */
    struct fifo_writer writer;
    struct fifo_reader pipe;
    capture_begin();
    int result = as_writer ? fifo_writer_open(&writer, path) : fifo_reader_open(&pipe, path);
    const char *err = capture_end();
    assert_int_equal(result, -1);
    assert_string_equal(err, line);
    close(reader);
}

static void open_rechecks_the_mode_with_fstat(void **state)
{
    (void)state;
    assert_int_equal(fifo_prepare(path), 0);
    assert_int_equal(chmod(path, 0602), 0);
    expect_open_refused("other users may write to it (mode 0602), so they could inject messages",
                        false);
    expect_open_refused("other users may write to it (mode 0602), so they could inject messages",
                        true);
}

static void open_rechecks_the_owner_with_fstat(void **state)
{
    (void)state;
    if (geteuid() != 0) {
        printf("skipped: only root can give a FIFO to another user (uid 65534)\n");
        skip();
    }
    assert_int_equal(fifo_prepare(path), 0);
    assert_int_equal(chown(path, 65534, 65534), 0);
    expect_open_refused("belongs to another user (uid 65534), who could read or inject messages",
                        false);
    expect_open_refused("belongs to another user (uid 65534), who could read or inject messages",
                        true);
}

static void refuses_a_regular_file_and_leaves_it_alone(void **state)
{
    (void)state;
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "keep me\n", 8), 8);
    close(fd);
    expect_prepare(-1, "exists and is not a named pipe");
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_size, 8);
}

static void refuses_a_directory(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path, 0755), 0);
    expect_prepare(-1, "exists and is not a named pipe");
}

static void refuses_a_socket(void **state)
{
    (void)state;
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    assert_true(strlen(path) < sizeof address.sun_path);
    strcpy(address.sun_path, path);
    assert_int_equal(bind(sock, (struct sockaddr *)&address, sizeof address), 0);
    expect_prepare(-1, "exists and is not a named pipe");
    close(sock);
}

static void refuses_a_symlink_to_a_fifo(void **state)
{
    (void)state;
    assert_int_equal(mkfifo(other, 0600), 0);
    assert_int_equal(symlink(other, path), 0);
    expect_prepare(-1, "is a symbolic link, not a named pipe");
}

static void refuses_a_symlink_to_a_file(void **state)
{
    (void)state;
    int fd = open(other, O_WRONLY | O_CREAT, 0644);
    close(fd);
    assert_int_equal(symlink(other, path), 0);
    expect_prepare(-1, "is a symbolic link, not a named pipe");
}

static void refuses_a_dangling_symlink_without_creating_its_target(void **state)
{
    (void)state;
    assert_int_equal(symlink(other, path), 0);
    expect_prepare(-1, "is a symbolic link, not a named pipe");
    assert_int_equal(access(other, F_OK), -1); /* nothing made at the target */
}

static void names_the_system_error_for_a_missing_directory(void **state)
{
    (void)state;
    char deep[300];
    snprintf(deep, sizeof deep, "%s/no/such/dir", other);
    capture_begin();
    int result = fifo_prepare(deep);
    const char *err = capture_end();
    char line[512];
    snprintf(line, sizeof line, "test: %s: No such file or directory\n", deep);
    assert_int_equal(result, -1);
    assert_string_equal(err, line);
}

static void reader_opens_at_once_without_blocking(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    assert_int_equal(fifo_prepare(path), 0);
    assert_int_equal(fifo_reader_open(&pipe, path), 0); /* no writer: would hang if it blocked */
    int flags = fcntl(pipe.fd, F_GETFL);
    assert_true(flags & O_NONBLOCK);
    assert_true(fcntl(pipe.fd, F_GETFD) & FD_CLOEXEC);
    close(pipe.fd);
}

/* The reader every fifo_reader test starts with: the scratch FIFO made and
   opened the way a subscriber does. */
static void open_test_reader(struct fifo_reader *pipe)
{
    assert_int_equal(fifo_prepare(path), 0);
    assert_int_equal(fifo_reader_open(pipe, path), 0);
}

static void writer_opens_blocking_once_a_reader_is_there(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    struct fifo_writer writer;
    open_test_reader(&pipe);
    capture_begin();
    int result = fifo_writer_open(&writer, path);
    const char *err = capture_end();
    assert_int_equal(result, 0);
    assert_string_equal(err, ""); /* a reader was there: no waiting notice */
    assert_false(fcntl(writer.fd, F_GETFL) & O_NONBLOCK);
    assert_int_equal(write(writer.fd, "hi\n", 3), 3);
    char buffer[8];
    assert_int_equal(read(pipe.fd, buffer, sizeof buffer), 3);
    close(writer.fd);
    close(pipe.fd);
}

static void writer_refuses_a_symlink_swapped_in_after_prepare(void **state)
{
    (void)state;
    assert_int_equal(fifo_prepare(path), 0);
    assert_int_equal(rename(path, other), 0);
    assert_int_equal(symlink(other, path), 0);
    int reader = open(other, O_RDONLY | O_NONBLOCK);
    struct fifo_writer writer;
    capture_begin();
    int result = fifo_writer_open(&writer, path);
    const char *err = capture_end();
    char line[512];
    snprintf(line, sizeof line, "test: %s: is a symbolic link, not a named pipe\n", path);
    assert_int_equal(result, -1);
    assert_string_equal(err, line);
    close(reader);
}

static void reader_refuses_a_regular_file_swapped_in_after_prepare(void **state)
{
    (void)state;
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    close(fd);
    struct fifo_reader pipe;
    capture_begin();
    int result = fifo_reader_open(&pipe, path);
    const char *err = capture_end();
    char line[512];
    snprintf(line, sizeof line, "test: %s: exists and is not a named pipe\n", path);
    assert_int_equal(result, -1);
    assert_string_equal(err, line);
}

/* Run fifo_guard_std_streams() in a child with the descriptors in `closed`
   closed; return its exit status: 0 when every closed one became /dev/null,
   the open ones were left alone, and a FIFO opened next got a descriptor
   above 2. */
static int guard_in_child(const int *closed, size_t n)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct stat before[3], after, null_st;
        for (int fd = 0; fd < 3; fd++)
            if (fstat(fd, &before[fd]) < 0)
                _exit(9);
        for (size_t i = 0; i < n; i++)
            close(closed[i]);
        if (fifo_guard_std_streams() != 0)
            _exit(10);
        if (stat("/dev/null", &null_st) < 0)
            _exit(11);
        for (int fd = 0; fd < 3; fd++) {
            bool was_closed = false;
            for (size_t i = 0; i < n; i++)
                was_closed |= closed[i] == fd;
            if (fstat(fd, &after) < 0)
                _exit(12);
            if (was_closed && after.st_rdev != null_st.st_rdev)
                _exit(13);
            if (!was_closed && after.st_ino != before[fd].st_ino)
                _exit(14);
        }
        struct fifo_reader pipe;
        if (fifo_prepare(path) < 0 || fifo_reader_open(&pipe, path) < 0)
            _exit(15);
        _exit(pipe.fd > 2 ? 0 : 16);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void guard_puts_dev_null_on_closed_std_streams(void **state)
{
    (void)state;
    const int all[] = {0, 1, 2}, err_only[] = {2}, in_and_err[] = {0, 2};
    assert_int_equal(guard_in_child(all, 3), 0);
    assert_int_equal(guard_in_child(err_only, 1), 0);
    assert_int_equal(guard_in_child(in_and_err, 2), 0);
    assert_int_equal(guard_in_child(NULL, 0), 0);
}

/* What a subscriber holds besides its pipe: the decoder and the output
   (into /dev/null; fifo_reader_read() flushes it while it waits). */
static struct frame_decoder frames;
static struct output out;

static void start_frames(void)
{
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    assert_true(null_fd > 2);
    output_init(&out, null_fd);
    frame_decoder_init(&frames, path, &out);
}

static void stop_frames(void) { close(out.fd); }

/* The next message the decoder gives must be `expected`. */
static void expect_message(const char *expected)
{
    const char *message;
    size_t len;
    assert_true(frame_decoder_next(&frames, &message, &len));
    assert_int_equal(len, strlen(expected));
    assert_memory_equal(message, expected, len);
}

static void expect_no_message(void)
{
    const char *message;
    size_t len;
    assert_false(frame_decoder_next(&frames, &message, &len));
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void read_gives_bytes_then_end_of_file(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    open_test_reader(&pipe);
    start_frames();
    int writer = open(path, O_WRONLY | O_NONBLOCK);
    assert_true(writer >= 0);
    assert_int_equal(__real_write(writer, "ab\ncd", 5), 5);
    assert_int_equal(fifo_reader_read(&pipe, &frames, &out), FIFO_BYTES);
    expect_message("ab");
    expect_no_message();
    close(writer);
    assert_int_equal(fifo_reader_read(&pipe, &frames, &out), FIFO_END_OF_FILE);
    expect_message("cd"); /* the unterminated fragment, at end of file */
    expect_no_message();
    stop_frames();
    close(pipe.fd);
}

/* A publisher stand-in that comes later: after a pause it opens `target`
   (blocking until a reader is there), writes `text` and closes. */
struct late_writer {
    pthread_t thread;
    const char *target;
    const char *text;
    long pause_ms;
};

static void *write_late(void *arg)
{
    struct late_writer *w = arg;
    struct timespec pause = {w->pause_ms / 1000, (w->pause_ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    int fd = open(w->target, O_WRONLY);
    if (fd >= 0) {
        (void)__real_write(fd, w->text, strlen(w->text));
        close(fd);
    }
    return NULL;
}

static void start_late_writer(struct late_writer *w, const char *target, const char *text,
                              long pause_ms)
{
    w->target = target;
    w->text = text;
    w->pause_ms = pause_ms;
    assert_int_equal(pthread_create(&w->thread, NULL, write_late, w), 0);
}

static void read_waits_for_a_publisher_on_a_fresh_descriptor(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    open_test_reader(&pipe);
    start_frames();
    /* No writer yet: read() says 0, which is no end of file; it waits. */
    struct late_writer w;
    start_late_writer(&w, path, "late\n", 300);
    assert_int_equal(fifo_reader_read(&pipe, &frames, &out), FIFO_BYTES);
    expect_message("late");
    pthread_join(w.thread, NULL);
    assert_int_equal(fifo_reader_read(&pipe, &frames, &out), FIFO_END_OF_FILE);
    stop_frames();
    close(pipe.fd);
}

static void a_writer_that_came_and_went_is_an_end_of_file(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    open_test_reader(&pipe);
    start_frames();
    int writer = open(path, O_WRONLY | O_NONBLOCK);
    close(writer);
    /* Would hang if it missed the hang-up. */
    assert_int_equal(fifo_reader_read(&pipe, &frames, &out), FIFO_END_OF_FILE);
    stop_frames();
    close(pipe.fd);
}

static void read_returns_at_once_after_a_stop_signal(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    open_test_reader(&pipe);
    start_frames();
    signals_install(SIGNALS_RECORD);
    mock_raise(SIGTERM);
    /* No writer: it would sleep forever. */
    assert_int_equal(fifo_reader_read(&pipe, &frames, &out), FIFO_STOPPED);
    assert_int_equal(signals_exit_status(), 143);
    signals_install(SIGNALS_RECORD); /* forget it */
    stop_frames();
    close(pipe.fd);
}

static void *write_when_the_path_exists(void *arg)
{
    struct late_writer *w = arg;
    const struct timespec moment = {0, 10000000};
    for (int tries = 0; tries < 500 && access(w->target, F_OK) != 0; tries++)
        nanosleep(&moment, NULL);
    return write_late(w);
}

/* While it waits for a publisher, the subscriber follows its path. Each
   test starts with a reader on the test's FIFO, which is then removed. */
static void open_reader_then_remove_its_fifo(struct fifo_reader *pipe)
{
    open_test_reader(pipe);
    start_frames();
    assert_int_equal(unlink(path), 0);
}

/* The waiting reader gets `expected` from the late writer w within 3
   seconds; then w, the frames and the reader are done with. */
static void expect_message_from_late_writer(struct fifo_reader *pipe, struct late_writer *w,
                                            const char *expected)
{
    double start = now();
    assert_int_equal(fifo_reader_read(pipe, &frames, &out), FIFO_BYTES);
    expect_message(expected);
    assert_true(now() - start < 3);
    pthread_join(w->thread, NULL);
    stop_frames();
    close(pipe->fd);
}

static void waiting_reader_makes_a_removed_fifo_again(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    open_reader_then_remove_its_fifo(&pipe);
    struct late_writer w = {.target = path, .text = "again\n"};
    /* It opens the path once the FIFO is there again. */
    assert_int_equal(pthread_create(&w.thread, NULL, write_when_the_path_exists, &w), 0);
    expect_message_from_late_writer(&pipe, &w, "again");
}

static void waiting_reader_follows_a_fifo_made_anew(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    /* rm -f P; mkfifo P, as pipe-io-server does at start; a publisher then
       opens the new FIFO. */
    open_reader_then_remove_its_fifo(&pipe);
    assert_int_equal(mkfifo(path, 0600), 0);
    struct late_writer w;
    start_late_writer(&w, path, "moved\n", 0);
    expect_message_from_late_writer(&pipe, &w, "moved");
}

static void waiting_reader_refuses_a_file_put_in_its_place(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    open_reader_then_remove_its_fifo(&pipe);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    close(fd);
    char line[512];
    snprintf(line, sizeof line, "test: %s: exists and is not a named pipe\n", path);
    capture_begin();
    int result = fifo_reader_read(&pipe, &frames, &out);
    const char *err = capture_end();
    assert_int_equal(result, FIFO_ERROR);
    assert_string_equal(err, line);
    stop_frames();
}

/* A publisher connected to the FIFO the subscriber holds keeps it there:
   its frames are read to the end, however the path changes meanwhile. */
static int idle_writer;

static void *write_after_a_while(void *arg)
{
    (void)arg;
    const struct timespec pause = {1, 500000000}; /* past the first look at the path */
    nanosleep(&pause, NULL);
    (void)__real_write(idle_writer, "kept\n", 5);
    close(idle_writer);
    return NULL;
}

static void a_connected_writer_keeps_the_reader_on_its_fifo(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    open_test_reader(&pipe);
    start_frames();
    idle_writer = open(path, O_WRONLY | O_NONBLOCK);
    assert_true(idle_writer >= 0);
    assert_int_equal(unlink(path), 0);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, write_after_a_while, NULL), 0);
    assert_int_equal(fifo_reader_read(&pipe, &frames, &out), FIFO_BYTES);
    expect_message("kept");
    assert_int_equal(fifo_reader_read(&pipe, &frames, &out), FIFO_END_OF_FILE);
    pthread_join(thread, NULL);
    assert_int_equal(access(path, F_OK), -1); /* not made again meanwhile */
    stop_frames();
    close(pipe.fd);
}

static void reopen_opens_the_new_descriptor_before_closing_the_old(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    open_test_reader(&pipe);
    start_frames();

    /* A publisher opens, writes and closes while only the old descriptor is
       open. Closed first, that descriptor would take the pipe's last
       opener with it, and the kernel would free "kept" unread. */
    int writer = open(path, O_WRONLY | O_NONBLOCK);
    assert_true(writer >= 0);
    assert_int_equal(__real_write(writer, "kept\n", 5), 5);
    close(writer);
    int old_fd = pipe.fd;
    assert_int_equal(fifo_reader_reopen(&pipe), FIFO_BYTES);
    assert_int_not_equal(fcntl(old_fd, F_GETFD), 0); /* closed... */
    assert_int_equal(errno, EBADF);
    assert_int_equal(fifo_reader_read(&pipe, &frames, &out), FIFO_BYTES); /* ...but "kept" was kept */
    expect_message("kept");
    stop_frames();
    close(pipe.fd);
}

static void reopen_checks_the_path_again(void **state)
{
    (void)state;
    struct fifo_reader pipe;
    open_test_reader(&pipe);

    /* Removed while we waited: made again. */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(fifo_reader_reopen(&pipe), FIFO_BYTES);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    /* A file put in its place: refused. */
    assert_int_equal(unlink(path), 0);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    close(fd);
    char line[512];
    snprintf(line, sizeof line, "test: %s: exists and is not a named pipe\n", path);
    capture_begin();
    int result = fifo_reader_reopen(&pipe);
    const char *err = capture_end();
    assert_int_equal(result, FIFO_ERROR);
    assert_string_equal(err, line);
}

/* A subscriber stand-in: opens the FIFO (blocking) and reads it to end of
   file. With wait_for_notice, it first waits until the publisher has said
   on standard error (captured) that it waits for a subscriber. */
struct reader {
    pthread_t thread;
    bool wait_for_notice;
    char got[256];
    size_t len;
};

static bool notice_printed(void)
{
    char text[4096] = "";
    int fd = open("/proc/self/fd/2", O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    return n > 0 && strstr(text, ": waiting for a subscriber\n") != NULL;
}

static void *read_to_eof(void *arg)
{
    struct reader *r = arg;
    const struct timespec moment = {0, 1000000};
    for (int tries = 0; r->wait_for_notice && !notice_printed(); tries++) {
        if (tries > 20000) /* 20 s: the test has failed, not hung */
            return NULL;
        nanosleep(&moment, NULL);
    }
    int fd = open(path, O_RDONLY);
    for (;;) {
        ssize_t n = __real_read(fd, r->got + r->len, sizeof r->got - r->len);
        if (n <= 0)
            break;
        r->len += (size_t)n;
    }
    close(fd);
    return NULL;
}

static void start_reader(struct reader *r, bool wait_for_notice)
{
    memset(r, 0, sizeof *r);
    r->wait_for_notice = wait_for_notice;
    assert_int_equal(pthread_create(&r->thread, NULL, read_to_eof, r), 0);
}

static void batch_is_resent_whole_after_epipe(void **state)
{
    (void)state;
    static struct fifo_writer writer;
    struct reader reader;
    assert_int_equal(fifo_prepare(path), 0);
    start_reader(&reader, false);
    capture_begin();
    assert_int_equal(fifo_writer_open(&writer, path), 0);
    capture_end();

    frame_batch_add(&writer.batch, "one", 3);
    frame_batch_add(&writer.batch, "two", 3);
    mock_write_fail(writer.fd, EPIPE, 1);
    capture_begin();
    int result = fifo_writer_send(&writer);
    char *err = strdup(capture_end());
    close(writer.fd);
    pthread_join(reader.thread, NULL);

    char expected[512];
    snprintf(expected, sizeof expected, "test: %s: subscriber went away (broken pipe)\n", path);
    assert_int_equal(result, 0);
    assert_int_equal(writer.batch.len, 0);
    assert_string_equal(err, expected);
    assert_int_equal(reader.len, 8); /* once, not twice */
    assert_memory_equal(reader.got, "one\ntwo\n", 8);
    free(err);
}

static void unread_frames_survive_a_change_of_subscriber(void **state)
{
    (void)state;
    static struct fifo_writer writer;
    assert_int_equal(fifo_prepare(path), 0);

    /* The first subscriber connects, reads nothing, and goes away. */
    int first = open(path, O_RDONLY | O_NONBLOCK);
    assert_int_equal(fifo_writer_open(&writer, path), 0);
    assert_int_equal(__real_write(writer.fd, "unread\n", 7), 7);
    close(first);

    /* The next write fails for real with EPIPE (SIGPIPE is ignored); the
       publisher waits for the next subscriber, which comes only once the
       publisher has said that it waits: by then the publisher must still
       hold its old descriptor, or the kernel has thrown "unread" away. */
    struct reader second;
    start_reader(&second, true);
    frame_batch_add(&writer.batch, "after", 5);
    capture_begin();
    int result = fifo_writer_send(&writer);
    capture_end();
    close(writer.fd);
    pthread_join(second.thread, NULL);

    assert_int_equal(result, 0);
    assert_int_equal(second.len, 13);
    assert_memory_equal(second.got, "unread\nafter\n", 13);
}

static void other_write_errors_are_reported_not_retried(void **state)
{
    (void)state;
    static struct fifo_writer writer;
    assert_int_equal(fifo_prepare(path), 0);
    int reader = open(path, O_RDONLY | O_NONBLOCK);
    assert_int_equal(fifo_writer_open(&writer, path), 0);
    frame_batch_add(&writer.batch, "x", 1);
    mock_write_fail(writer.fd, EIO, 1);
    capture_begin();
    int result = fifo_writer_send(&writer);
    const char *err = capture_end();
    char expected[512];
    snprintf(expected, sizeof expected, "test: %s: Input/output error\n", path);
    assert_int_equal(result, -1);
    assert_string_equal(err, expected);
    close(writer.fd);
    close(reader);
}

/* The publisher waits for a subscriber on the FIFO that is at the path
   when one comes: here the FIFO is made anew while it waits. */
struct replacing_reader {
    struct reader reader;
    bool remove_only; /* leave the making of the FIFO to the publisher */
};

static void *replace_then_read(void *arg)
{
    struct replacing_reader *r = arg;
    const struct timespec moment = {0, 1000000};
    for (int tries = 0; !notice_printed(); tries++) {
        if (tries > 20000)
            return NULL;
        nanosleep(&moment, NULL);
    }
    unlink(path);
    if (!r->remove_only)
        (void)mkfifo(path, 0600);
    for (int tries = 0; access(path, F_OK) != 0; tries++) {
        if (tries > 20000)
            return NULL;
        nanosleep(&moment, NULL);
    }
    r->reader.wait_for_notice = false;
    return read_to_eof(&r->reader);
}

static void writer_that_waits_follows_its_path(bool remove_only)
{
    static struct fifo_writer writer;
    static struct replacing_reader r;
    memset(&r, 0, sizeof r);
    r.remove_only = remove_only;
    assert_int_equal(fifo_prepare(path), 0);
    struct stat before;
    assert_int_equal(lstat(path, &before), 0);
    assert_int_equal(pthread_create(&r.reader.thread, NULL, replace_then_read, &r), 0);
    capture_begin();
    int result = fifo_writer_open(&writer, path);
    assert_int_equal(result, 0);
    frame_batch_add(&writer.batch, "found", 5);
    assert_int_equal(fifo_writer_close(&writer), 0);
    const char *err = capture_end();
    pthread_join(r.reader.thread, NULL);
    char notice[512];
    snprintf(notice, sizeof notice, "test: %s: waiting for a subscriber\n", path);
    assert_string_equal(err, notice); /* said once */
    assert_int_equal(r.reader.len, 6);
    assert_memory_equal(r.reader.got, "found\n", 6);
    struct stat after;
    assert_int_equal(lstat(path, &after), 0);
    assert_true(S_ISFIFO(after.st_mode));
    assert_int_equal(after.st_mode & 0777, 0600);
}

static void waiting_writer_follows_a_fifo_made_anew(void **state)
{
    (void)state;
    writer_that_waits_follows_its_path(false);
}

static void waiting_writer_makes_a_removed_fifo_again(void **state)
{
    (void)state;
    writer_that_waits_follows_its_path(true);
}

/* A subscriber stand-in that takes its time: it opens the FIFO at once,
   reads after `pause_ms`, and records when. */
struct slow_reader {
    pthread_t thread;
    int fd;
    long pause_ms;
    double read_at;
    char got[64];
    ssize_t len;
};

static void *read_slowly(void *arg)
{
    struct slow_reader *r = arg;
    struct timespec pause = {r->pause_ms / 1000, (r->pause_ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    r->read_at = now();
    r->len = __real_read(r->fd, r->got, sizeof r->got);
    return NULL;
}

/* Close with frames in the pipe and a reader that reads them after
   pause_ms; returns what close printed on standard error. */
static const char *close_with_a_slow_reader(long pause_ms, struct slow_reader *r)
{
    static struct fifo_writer writer;
    static char err[512];
    assert_int_equal(fifo_prepare(path), 0);
    r->fd = open(path, O_RDONLY | O_NONBLOCK);
    r->pause_ms = pause_ms;
    assert_int_equal(fifo_writer_open(&writer, path), 0);
    frame_batch_add(&writer.batch, "last", 4);
    assert_int_equal(pthread_create(&r->thread, NULL, read_slowly, r), 0);
    capture_begin();
    assert_int_equal(fifo_writer_close(&writer), 0);
    double closed_at = now();
    snprintf(err, sizeof err, "%s", capture_end());
    pthread_join(r->thread, NULL);
    assert_int_equal(r->len, 5);
    assert_memory_equal(r->got, "last\n", 5);
    assert_true(closed_at >= r->read_at); /* close waited for the read */
    assert_int_equal(writer.fd, -1);
    close(r->fd);
    return err;
}

static void close_waits_until_the_pipe_is_empty(void **state)
{
    (void)state;
    struct slow_reader r;
    assert_string_equal(close_with_a_slow_reader(300, &r), ""); /* under a second: quiet */
}

static void close_says_once_when_it_waits_over_a_second(void **state)
{
    (void)state;
    struct slow_reader r;
    const char *err = close_with_a_slow_reader(1600, &r);
    char notice[512];
    snprintf(notice, sizeof notice, "test: %s: waiting for a subscriber to take 5 bytes\n", path);
    assert_string_equal(err, notice);
}

/* The subscriber dies with frames unread, and another comes: the closing
   publisher held the pipe open meanwhile, so the frames are still there. */
static int dying_reader;

static void *die_then_come_back(void *arg)
{
    struct reader *next = arg;
    const struct timespec pause = {0, 200000000};
    nanosleep(&pause, NULL);
    close(dying_reader);
    nanosleep(&pause, NULL);
    next->wait_for_notice = false;
    return read_to_eof(next);
}

static void frames_left_at_close_reach_a_restarted_subscriber(void **state)
{
    (void)state;
    static struct fifo_writer writer;
    static struct reader next;
    memset(&next, 0, sizeof next);
    assert_int_equal(fifo_prepare(path), 0);
    dying_reader = open(path, O_RDONLY | O_NONBLOCK);
    assert_int_equal(fifo_writer_open(&writer, path), 0);
    frame_batch_add(&writer.batch, "one", 3);
    frame_batch_add(&writer.batch, "two", 3);
    assert_int_equal(pthread_create(&next.thread, NULL, die_then_come_back, &next), 0);
    assert_int_equal(fifo_writer_close(&writer), 0);
    pthread_join(next.thread, NULL);
    assert_int_equal(next.len, 8);
    assert_memory_equal(next.got, "one\ntwo\n", 8);
}

#define FIFO_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    report_set_program("test");
    signal(SIGPIPE, SIG_IGN); /* as signals_install() does in the programs */
    const struct CMUnitTest tests[] = {
        FIFO_TEST(creates_a_missing_fifo_with_mode_0600),
        FIFO_TEST(accepts_an_existing_fifo_0644_left_as_it_was),
        FIFO_TEST(accepts_group_write_0660),
        FIFO_TEST(refuses_a_fifo_others_may_write_to),
        FIFO_TEST(refuses_a_fifo_of_another_user),
        FIFO_TEST(names_the_owner_when_both_checks_fail),
        FIFO_TEST(open_rechecks_the_mode_with_fstat),
        FIFO_TEST(open_rechecks_the_owner_with_fstat),
        FIFO_TEST(refuses_a_regular_file_and_leaves_it_alone),
        FIFO_TEST(refuses_a_directory),
        FIFO_TEST(refuses_a_socket),
        FIFO_TEST(refuses_a_symlink_to_a_fifo),
        FIFO_TEST(refuses_a_symlink_to_a_file),
        FIFO_TEST(refuses_a_dangling_symlink_without_creating_its_target),
        FIFO_TEST(names_the_system_error_for_a_missing_directory),
        FIFO_TEST(reader_opens_at_once_without_blocking),
        FIFO_TEST(writer_opens_blocking_once_a_reader_is_there),
        FIFO_TEST(writer_refuses_a_symlink_swapped_in_after_prepare),
        FIFO_TEST(reader_refuses_a_regular_file_swapped_in_after_prepare),
        FIFO_TEST(guard_puts_dev_null_on_closed_std_streams),
        FIFO_TEST(read_gives_bytes_then_end_of_file),
        FIFO_TEST(read_waits_for_a_publisher_on_a_fresh_descriptor),
        FIFO_TEST(a_writer_that_came_and_went_is_an_end_of_file),
        FIFO_TEST(read_returns_at_once_after_a_stop_signal),
        FIFO_TEST(waiting_reader_makes_a_removed_fifo_again),
        FIFO_TEST(waiting_reader_follows_a_fifo_made_anew),
        FIFO_TEST(waiting_reader_refuses_a_file_put_in_its_place),
        FIFO_TEST(a_connected_writer_keeps_the_reader_on_its_fifo),
        FIFO_TEST(reopen_opens_the_new_descriptor_before_closing_the_old),
        FIFO_TEST(reopen_checks_the_path_again),
        FIFO_TEST(batch_is_resent_whole_after_epipe),
        FIFO_TEST(unread_frames_survive_a_change_of_subscriber),
        FIFO_TEST(other_write_errors_are_reported_not_retried),
        FIFO_TEST(waiting_writer_follows_a_fifo_made_anew),
        FIFO_TEST(waiting_writer_makes_a_removed_fifo_again),
        FIFO_TEST(close_waits_until_the_pipe_is_empty),
        FIFO_TEST(close_says_once_when_it_waits_over_a_second),
        FIFO_TEST(frames_left_at_close_reach_a_restarted_subscriber),
    };
    return cmocka_run_group_tests_name("fifo", tests, NULL, NULL);
}
