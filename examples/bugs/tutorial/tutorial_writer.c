/*
 * tutorial_writer FIFO < input: the tutorial's publisher design, rewritten
 * in C so that make bench measures the design rather than a language. For
 * every line: check that the FIFO exists, open it (which waits for a
 * reader), write the message without its newline, close it. Nothing marks
 * where one message ends, so a reader that finds two in the pipe takes them
 * for one.
 *
 * Where the tutorial's program would panic (the reader closed the pipe
 * between our open() and our write(): EPIPE), this one counts the message as
 * failed and goes on, so that the run finishes and the loss can be counted.
 * The count is printed on standard error at the end: "failed N".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "usage: tutorial_writer FIFO < input\n");
        return 2;
    }
    const char *path = argv[1];
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        return 1;
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    unsigned long failed = 0;
    while ((len = getline(&line, &size, stdin)) > 0) {
        if (line[len - 1] == '\n')
            len--;
        struct stat st;
        if (stat(path, &st) < 0 && mkfifo(path, 0600) < 0 && errno != EEXIST) {
            fprintf(stderr, "tutorial_writer: %s: %s\n", path, strerror(errno));
            return 1;
        }
        int fd = open(path, O_WRONLY);
        if (fd < 0) {
            fprintf(stderr, "tutorial_writer: %s: %s\n", path, strerror(errno));
            return 1;
        }
        if (write(fd, line, (size_t)len) != len) {
            if (errno != EPIPE) {
                fprintf(stderr, "tutorial_writer: %s: %s\n", path, strerror(errno));
                return 1;
            }
            failed++;
        }
        if (close(fd) < 0)
            return 1;
    }
    free(line);
    fprintf(stderr, "failed %lu\n", failed);
    return ferror(stdin) ? 1 : 0;
}
