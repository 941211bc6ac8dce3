/*
 * file_follower FILE LINES: a regular file used as the channel, the way
 * `tail -f` follows a log. A writer appends to FILE; this reader copies what
 * the file gains to standard output, and at end of file sleeps a millisecond
 * and looks again, since a regular file gives a reader no way to sleep
 * until data comes (tail -f uses inotify where it can, or polls each
 * second). It exits once it has copied LINES lines. make bench compares it
 * with a named pipe, for the tutorial's "named pipes vs regular files".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int write_all(const char *data, size_t n)
{
    while (n > 0) {
        ssize_t done = write(STDOUT_FILENO, data, n);
        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0)
            return -1;
        data += done;
        n -= (size_t)done;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    static char chunk[65536];
    if (argc != 3) {
        fprintf(stderr, "usage: file_follower FILE LINES\n");
        return 2;
    }
    unsigned long wanted = strtoul(argv[2], NULL, 10), lines = 0;
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "file_follower: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    const struct timespec poll_interval = {0, 1000000};
    while (lines < wanted) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            fprintf(stderr, "file_follower: %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
        if (got == 0) { /* nothing new: poll again later */
            nanosleep(&poll_interval, NULL);
            continue;
        }
        for (const char *p = chunk; (p = memchr(p, '\n', (size_t)(chunk + got - p))) != NULL; p++)
            lines++;
        if (write_all(chunk, (size_t)got) < 0) {
            fprintf(stderr, "file_follower: standard output: %s\n", strerror(errno));
            return 1;
        }
    }
    return 0;
}
