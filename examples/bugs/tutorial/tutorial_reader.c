/*
 * tutorial_reader FIFO: the tutorial's subscriber design, rewritten in C so
 * that make bench measures the design rather than a language. Open the
 * FIFO (which waits for a writer), read until end of file, close it, strip
 * white space at both ends, and take all of it as one message: print
 * "Received: MESSAGE", or stop at "exit". Then open it again.
 *
 * Whatever two writers put into the pipe during one open is printed as one
 * message (merged); a writer that opens the pipe after our last read and
 * closes it before our close() has its message thrown away with the pipe
 * (lost). make bench counts both.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for "Received: " before the message and a newline after it. */
#define PRINT_ROOM 11

/* Everything one open of the FIFO brings, until end of file, in a buffer
   with PRINT_ROOM bytes to spare; NULL on error. */
static char *read_to_end(int fd, size_t *len)
{
    size_t size = 4096;
    char *data = malloc(size + PRINT_ROOM);
    *len = 0;
    for (;;) {
        if (data == NULL)
            return NULL;
        ssize_t got = read(fd, data + *len, size - *len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(data);
            return NULL;
        }
        if (got == 0)
            return data;
        *len += (size_t)got;
        if (*len == size) {
            size *= 2;
            char *bigger = realloc(data, size + PRINT_ROOM);
            if (bigger == NULL)
                free(data);
            data = bigger;
        }
    }
}

int main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "usage: tutorial_reader FIFO\n");
        return 2;
    }
    for (;;) {
        int fd = open(argv[1], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "tutorial_reader: %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
        size_t len;
        char *data = read_to_end(fd, &len);
        if (data == NULL || close(fd) < 0) {
            fprintf(stderr, "tutorial_reader: %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
        char *start = data, *end = data + len;
        while (start < end && isspace((unsigned char)*start))
            start++;
        while (end > start && isspace((unsigned char)end[-1]))
            end--;
        if (end - start == 4 && memcmp(start, "exit", 4) == 0) {
            printf("Exiting...\n");
            return 0;
        }
        /* One write() per message, so that what was printed survives a
           kill; the bench stops this reader with "exit", as the tutorial's
           user would. */
        if (end > start) {
            memmove(data + 10, start, (size_t)(end - start));
            memcpy(data, "Received: ", 10);
            len = (size_t)(end - start) + 10;
            data[len++] = '\n';
            if (write(STDOUT_FILENO, data, len) != (ssize_t)len)
                return 1;
        }
        free(data);
    }
}
