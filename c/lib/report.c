/* report.c: one line on standard error (see report.h). */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *program_name = "fifo-pubsub";

void report_set_program(const char *name) { program_name = name; }

const char *report_program(void) { return program_name; }

/* Write all n bytes to standard error: one write() unless the kernel takes
   less (a long line into a pipe that is nearly full, say). */
static void write_stderr(const char *line, size_t n)
{
    while (n > 0) {
        ssize_t written = write(STDERR_FILENO, line, n);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return;
        line += written;
        n -= (size_t)written;
    }
}

void report(const char *format, ...)
{
    int saved_errno = errno; /* callers report right before using errno */
    va_list args;

    /* Most lines fit on the stack; a longer one (a long path) gets a buffer
       of its own size, so that no line is ever cut short. */
    char small[1024];
    char *line = small;
    size_t name_len = strlen(program_name);
    va_start(args, format);
    int text_len = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (text_len < 0) /* only for a text over INT_MAX bytes */
        text_len = 0;
    size_t size = name_len + 2 + (size_t)text_len + 2; /* ": ", LF, NUL */
    if (size > sizeof small)
        line = malloc(size);
    if (line == NULL) {
        /* No memory for the line: print it whole, in several writes. */
        va_start(args, format);
        (void)dprintf(STDERR_FILENO, "%s: ", program_name);
        (void)vdprintf(STDERR_FILENO, format, args);
        (void)dprintf(STDERR_FILENO, "\n");
        va_end(args);
        errno = saved_errno;
        return;
    }

    memcpy(line, program_name, name_len);
    memcpy(line + name_len, ": ", 2);
    va_start(args, format);
    (void)vsnprintf(line + name_len + 2, size - name_len - 2, format, args);
    va_end(args);
    line[size - 2] = '\n';
    write_stderr(line, size - 1);

    if (line != small)
        free(line);
    errno = saved_errno;
}
