/*
 * naive_writer FIFO < input: the publisher every first port writes. It reads
 * standard input a line at a time (buffered, as Go's bufio or Python's file
 * iteration do) and hands each line to write() on its own: one system call,
 * and one wake-up of the reader, per message. make bench compares it with
 * `cat`, which writes 64 KiB at a time, and with our publishers, which pack
 * whole frames into writes of up to 4096 bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "usage: naive_writer FIFO < input\n");
        return 2;
    }
    int fd = open(argv[1], O_WRONLY);
    if (fd < 0) {
        fprintf(stderr, "naive_writer: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    while ((len = getline(&line, &size, stdin)) > 0) {
        /* A pipe takes a write of this size whole, or fails. */
        if (write(fd, line, (size_t)len) != len) {
            fprintf(stderr, "naive_writer: %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
    }
    free(line);
    if (ferror(stdin) || close(fd) < 0) {
        fprintf(stderr, "naive_writer: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
