/* lines.c: the publisher's standard input (see lines.h). */
#include "lines.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "report.h"

void line_reader_init(struct line_reader *lines, int fd, const char *prompt)
{
    lines->fd = fd;
    lines->prompt = prompt;
    lines->terminal = isatty(fd) == 1;
    lines->prompted = false;
    lines->ended = false;
    lines->rejected = 0;
    frame_decoder_init(&lines->decoder, "standard input", NULL);
}

/* Is this line one to send? Refuses, reporting it, one that cannot be. */
static bool accepted(struct line_reader *lines, const struct frame *line)
{
    switch (frame_check(line)) {
    case FRAME_OK:
        return true;
    case FRAME_EMPTY:
        return false;
    case FRAME_TOO_LONG:
        report("line %zu: message of %zu bytes is over the %d-byte limit; not sent",
               line->number, line->len, MESSAGE_MAX);
        break;
    case FRAME_ENDS_WITH_CR:
        report("line %zu: message ends with a carriage return, which a frame cannot carry; "
               "not sent",
               line->number);
        break;
    }
    lines->rejected++;
    return false;
}

/* Standard input has no whole line left in the decoder: if reading it may
   wait, send what the batch holds first, and prompt a person about to type
   a new line. A line typed while the publisher waited is already there,
   and goes without a prompt of its own. Returns 0 or -1. */
static int before_read(struct line_reader *lines, struct fifo_writer *pipe)
{
    struct pollfd input = {.fd = lines->fd, .events = POLLIN};
    if (poll(&input, 1, 0) != 0)
        return 0;
    if (fifo_writer_send(pipe) < 0)
        return -1;
    if (!lines->terminal || lines->prompted || frame_decoder_mid_frame(&lines->decoder))
        return 0;
    lines->prompted = true;
    return output_print(lines->prompt);
}

/* read() returned 0: the end of input. After Ctrl-D at a prompt, end its
   line. Returns 0 or -1. */
static int at_end(struct line_reader *lines)
{
    lines->ended = true;
    frame_decoder_finish(&lines->decoder);
    return lines->terminal && lines->prompted ? output_print("\n") : 0;
}

int line_reader_next(struct line_reader *lines, struct fifo_writer *pipe, const char **message,
                     size_t *len)
{
    struct frame line;
    for (;;) {
        while (frame_decoder_next_frame(&lines->decoder, &line)) {
            if (accepted(lines, &line)) {
                *message = line.message;
                *len = line.len;
                return 1;
            }
        }
        if (lines->ended)
            return 0;
        if (before_read(lines, pipe) < 0)
            return -1;

        ssize_t got = read(lines->fd, lines->chunk, sizeof lines->chunk);
        if (got > 0) {
            lines->prompted = lines->prompted && lines->chunk[got - 1] != '\n';
            frame_decoder_feed(&lines->decoder, lines->chunk, (size_t)got);
        } else if (got == 0) {
            if (at_end(lines) < 0)
                return -1;
        } else if (errno != EINTR) {
            report("standard input: %s", strerror(errno));
            return -1;
        }
    }
}
