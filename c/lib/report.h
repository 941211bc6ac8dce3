/* report.h

   One line on standard error, starting with the program's name, as every
   program in this repository prints its errors and notices
   (shared/PROTOCOL.md, section 5):

       c-subscriber: /tmp/x: exists and is not a named pipe
*/
#ifndef FIFO_PUBSUB_REPORT_H
#define FIFO_PUBSUB_REPORT_H

/* Set the name that starts every line; call first thing in main(). */
void report_set_program(const char *name);

/* The name set by report_set_program(). */
const char *report_program(void);

/* Print "NAME: " + the formatted text + LF on standard error, whole however
   long it is, in one write() so that lines from several processes sharing a
   terminal never mix. errno is left as it was.

   Returns nothing: when standard error itself fails there is nowhere left
   to say so, and the caller's own error (the reason it reports) is what
   decides its exit status. */
void report(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
