/* report.c: one-line error reports on standard error (see report.h). */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *program_name = "fifo-pubsub";

void report_set_program(const char *name) { program_name = name; }

const char *report_program(void) { return program_name; }

void report(const char *format, ...)
{
    /* Reports are short; a path longer than this is cut, never overflowed. */
    char line[1024];
    int saved_errno = errno; /* callers often report right before using errno */
    int used = snprintf(line, sizeof line, "%s: ", program_name);
    if (used < 0 || (size_t)used >= sizeof line)
        used = 0;

    va_list args;
    va_start(args, format);
    int more = vsnprintf(line + used, sizeof line - (size_t)used, format, args);
    va_end(args);
    if (more > 0)
        used += more;
    if ((size_t)used >= sizeof line - 1)
        used = (int)sizeof line - 2;
    line[used++] = '\n';

    /* Nothing sensible is left to do if standard error itself fails. */
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)used);
    (void)ignored;
    errno = saved_errno;
}
