/* lines.h

   The publisher's standard input, read line by line (shared/PROTOCOL.md,
   section 3, steps 3 and 4): the prompt for a person at a terminal, empty
   lines skipped, lines that cannot be sent refused and reported, and the
   pipe's batch sent before any read that may wait, so that a line never
   waits in the batch for input that may never come.
*/
#ifndef FIFO_PUBSUB_LINES_H
#define FIFO_PUBSUB_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "fifo.h"
#include "framing.h"
#include "protocol.h"

/* Lines of standard input (or any descriptor), read in chunks of
   READ_CHUNK bytes: a terminal gives one line per read(), a file or a pipe
   as many as are waiting. */
struct line_reader {
    int fd;
    const char *prompt; /* printed before a line a person is about to type */
    bool terminal;      /* fd is a terminal: prompt */
    bool prompted;      /* a prompt is on the screen, no line typed after it yet */
    bool ended;         /* read() returned 0 */
    size_t rejected;    /* lines refused (too long, ending in CR) */
    struct frame_decoder decoder;
    char chunk[READ_CHUNK];
};

void line_reader_init(struct line_reader *lines, int fd, const char *prompt);

/* The next line to send, in *message and *len (valid until the next call),
   its LF and one CR removed. Empty lines are skipped. A line over
   MESSAGE_MAX bytes, or one that ends in CR (a reader would take that CR
   for part of the line ending), is refused: reported with its line number,
   counted in lines->rejected, and skipped.

   Before any read of standard input that may wait, it sends the pipe's
   batch (fifo_writer_send()) and, on a terminal, prints the prompt, unless
   part of a line has been typed or a typed line is already waiting. At the
   end of input on a terminal it ends the prompt's line, so that the
   shell's prompt starts on a line of its own.

   Returns 1, 0 at the end of input, or -1 after an error (reported; a read
   error as "standard input: ERROR"). */
int line_reader_next(struct line_reader *lines, struct fifo_writer *pipe, const char **message,
                     size_t *len);

#endif
