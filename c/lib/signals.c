/* signals.c: SIGINT, SIGTERM and SIGPIPE handling (see signals.h). */
#include "signals.h"

#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t exit_at_once = 1;
static volatile sig_atomic_t stop_signal = 0;

static void on_stop_signal(int signo)
{
    /* _exit() is async-signal-safe; exit() is not (it runs stdio cleanup). */
    if (exit_at_once)
        _exit(128 + signo);
    stop_signal = signo;
}

int signals_install(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);

    action.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &action, NULL) < 0)
        return -1;

    /* No SA_RESTART: a blocked write() to a stalled standard output must
       return EINTR so that the program can give up and exit. */
    action.sa_handler = on_stop_signal;
    action.sa_flags = 0;
    if (sigaction(SIGINT, &action, NULL) < 0 || sigaction(SIGTERM, &action, NULL) < 0)
        return -1;
    return 0;
}

void signals_exit_at_once(bool at_once)
{
    exit_at_once = at_once;
    /* A signal that came while we were recording would otherwise be lost. */
    if (at_once && stop_signal != 0)
        _exit(128 + stop_signal);
}

int signals_stop_requested(void) { return stop_signal; }

int signals_exit_status(void) { return 128 + stop_signal; }

void signals_add_stop_signals(sigset_t *set)
{
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
}
