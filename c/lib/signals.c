/* signals.c: SIGINT, SIGTERM and SIGPIPE (see signals.h). */
#include "signals.h"

#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t exit_at_once = 1;
static volatile sig_atomic_t first_signal = 0;
static volatile sig_atomic_t signal_count = 0;

static void on_stop_signal(int signo)
{
    /* _exit() is async-signal-safe; exit() is not (it runs stdio cleanup). */
    if (exit_at_once)
        _exit(128 + signo);
    if (first_signal == 0)
        first_signal = signo;
    if (signal_count < 2)
        signal_count++;
}

void signals_install(enum signals_stop stop)
{
    exit_at_once = stop == SIGNALS_EXIT_AT_ONCE;
    first_signal = 0;
    signal_count = 0;

    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &action, NULL);

    /* No SA_RESTART: a blocked write() to a stalled standard output must
       return (EINTR, or the count written so far) so that the subscriber
       can see the signal. Each stop signal blocks the other while its
       handler runs, so the two cannot both count as "first". */
    action.sa_handler = on_stop_signal;
    action.sa_flags = 0;
    signals_add_stop_signals(&action.sa_mask);
    (void)sigaction(SIGINT, &action, NULL);
    (void)sigaction(SIGTERM, &action, NULL);
}

int signals_stop_requested(void) { return first_signal; }

int signals_stop_count(void) { return signal_count; }

int signals_exit_status(void) { return 128 + first_signal; }

void signals_add_stop_signals(sigset_t *set)
{
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
}
