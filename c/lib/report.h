/* report.h

   One-line error reports on standard error, each starting with the program's
   name, as every program in this repository prints them:

       c-subscriber: /tmp/x: exists and is not a named pipe
*/
#ifndef FIFO_PUBSUB_REPORT_H
#define FIFO_PUBSUB_REPORT_H

/* Set the name that starts every report; call first thing in main(). */
void report_set_program(const char *name);

/* The name set by report_set_program(). */
const char *report_program(void);

/* Print "NAME: " + the formatted text + LF on standard error, in one write
   so that reports from several processes sharing a terminal stay whole. */
void report(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
