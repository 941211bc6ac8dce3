/* test_fifo.c: FIFO preparation and opening against real paths: every kind
   of thing that can stand where the FIFO should be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "capture.h"
#include "scratch.h"
#include "lib/fifo.h"
#include "lib/report.h"

static char path[256], other[256];

static int setup(void **state)
{
    (void)state;
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

static void accepts_an_existing_fifo(void **state)
{
    (void)state;
    assert_int_equal(mkfifo(path, 0644), 0);
    expect_prepare(0, NULL);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644); /* left as it was */
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
    assert_int_equal(fifo_prepare(path), 0);
    int fd = fifo_open_reader(path); /* no writer: would hang if it blocked */
    assert_true(fd >= 0);
    int flags = fcntl(fd, F_GETFL);
    assert_true(flags & O_NONBLOCK);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
}

static void writer_opens_blocking_once_a_reader_is_there(void **state)
{
    (void)state;
    assert_int_equal(fifo_prepare(path), 0);
    int reader = fifo_open_reader(path);
    capture_begin();
    int fd = fifo_open_writer(path);
    const char *err = capture_end();
    assert_true(fd >= 0);
    assert_string_equal(err, ""); /* a reader was there: no waiting notice */
    assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_int_equal(write(fd, "hi\n", 3), 3);
    char buffer[8];
    assert_int_equal(read(reader, buffer, sizeof buffer), 3);
    close(fd);
    close(reader);
}

static void writer_refuses_a_symlink_swapped_in_after_prepare(void **state)
{
    (void)state;
    assert_int_equal(fifo_prepare(path), 0);
    assert_int_equal(rename(path, other), 0);
    assert_int_equal(symlink(other, path), 0);
    int reader = open(other, O_RDONLY | O_NONBLOCK);
    capture_begin();
    int fd = fifo_open_writer(path);
    const char *err = capture_end();
    char line[512];
    snprintf(line, sizeof line, "test: %s: is a symbolic link, not a named pipe\n", path);
    assert_int_equal(fd, -1);
    assert_string_equal(err, line);
    close(reader);
}

static void reader_refuses_a_regular_file_swapped_in_after_prepare(void **state)
{
    (void)state;
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    close(fd);
    capture_begin();
    fd = fifo_open_reader(path);
    const char *err = capture_end();
    char line[512];
    snprintf(line, sizeof line, "test: %s: exists and is not a named pipe\n", path);
    assert_int_equal(fd, -1);
    assert_string_equal(err, line);
}

#define FIFO_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    report_set_program("test");
    const struct CMUnitTest tests[] = {
        FIFO_TEST(creates_a_missing_fifo_with_mode_0600),
        FIFO_TEST(accepts_an_existing_fifo),
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
    };
    return cmocka_run_group_tests_name("fifo", tests, NULL, NULL);
}
