/* test_tutorial.c: the tutorial's first exercise, done on the C programs.
   A learner edits the tutorial's function and expects to see the edit on
   every message. The Makefile copies each program with its function
   edited (CBUILD/tests/edited/: the subscriber's handle_message prints
   "Got: " instead of "Received: ", the publisher's write_message puts
   "tag " before each message) and builds the copies; here each one runs on
   a few thousand messages through a real FIFO, and every line must show
   the edit: no message goes around the function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mock_io.h"
#include "scratch.h"

#define MESSAGES 3000

/* Start the edited program with standard input and output as given. */
static pid_t start_edited(const char *program, int in, int out, char *const argv[])
{
    char binary[256];
    snprintf(binary, sizeof binary, "%s/tests/edited/%s", CBUILD, program);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        execv(binary, argv);
        _exit(127);
    }
    return pid;
}

static void expect_exit_0(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Every line of `text` must be `prefix` "message N" for N = 1, 2, ...,
   MESSAGES, and nothing more. */
static void expect_every_line(const char *text, size_t len, const char *prefix)
{
    size_t at = 0;
    for (int n = 1; n <= MESSAGES; n++) {
        char line[64];
        int line_len = snprintf(line, sizeof line, "%smessage %d\n", prefix, n);
        if (len - at < (size_t)line_len || memcmp(text + at, line, (size_t)line_len) != 0)
            fail_msg("line %d does not show the edit: expected %s", n, line);
        at += (size_t)line_len;
    }
    assert_int_equal(at, len);
}

/* MESSAGES lines, "message N". */
static size_t numbered_lines(char *text, size_t size)
{
    size_t len = 0;
    for (int n = 1; n <= MESSAGES; n++)
        len += (size_t)snprintf(text + len, size - len, "message %d\n", n);
    return len;
}

static char *read_all(int fd, size_t *len)
{
    size_t size = 1 << 20;
    char *text = malloc(size);
    assert_non_null(text);
    *len = 0;
    ssize_t n;
    while ((n = __real_read(fd, text + *len, size - *len)) > 0)
        *len += (size_t)n;
    return text;
}

static void the_edited_handle_message_prints_every_message(void **state)
{
    (void)state;
    FILE *output = tmpfile();
    assert_non_null(output);
    int null_fd = open("/dev/null", O_RDONLY);
    char *argv[] = {"c-subscriber", "--pipe", scratch_fifo, "--once", NULL};
    pid_t pid = start_edited("c-subscriber", null_fd, fileno(output), argv);

    static char text[MESSAGES * 16];
    size_t len = numbered_lines(text, sizeof text);
    int fd = open(scratch_fifo, O_WRONLY); /* waits for the subscriber */
    assert_true(fd >= 0);
    for (size_t done = 0; done < len;) {
        ssize_t n = __real_write(fd, text + done, len - done);
        assert_true(n > 0);
        done += (size_t)n;
    }
    close(fd);
    expect_exit_0(pid);

    rewind(output);
    size_t printed;
    char *out = read_all(fileno(output), &printed);
    expect_every_line(out, printed, "Got: ");
    free(out);
    fclose(output);
    close(null_fd);
}

static void the_edited_write_message_sends_every_message(void **state)
{
    (void)state;
    FILE *input = tmpfile();
    assert_non_null(input);
    static char text[MESSAGES * 16];
    size_t len = numbered_lines(text, sizeof text);
    assert_int_equal(fwrite(text, 1, len, input), len);
    fflush(input);
    rewind(input);
    int null_fd = open("/dev/null", O_WRONLY);
    char *argv[] = {"c-publisher", "--pipe", scratch_fifo, NULL};
    pid_t pid = start_edited("c-publisher", fileno(input), null_fd, argv);

    int fd = open(scratch_fifo, O_RDONLY); /* waits for the publisher */
    assert_true(fd >= 0);
    size_t got;
    char *frames = read_all(fd, &got);
    close(fd);
    expect_exit_0(pid);
    expect_every_line(frames, got, "tag ");
    free(frames);
    fclose(input);
    close(null_fd);
}

#define TUTORIAL_TEST(name) \
    cmocka_unit_test_setup_teardown(name, scratch_fifo_setup, scratch_fifo_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TUTORIAL_TEST(the_edited_handle_message_prints_every_message),
        TUTORIAL_TEST(the_edited_write_message_sends_every_message),
    };
    return cmocka_run_group_tests_name("tutorial", tests, NULL, NULL);
}
