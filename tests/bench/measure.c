/*
 * measure REPORT PROGRAM [ARG...]: run PROGRAM with our standard streams,
 * wait for it, and write to the file REPORT one line: its exit status (or
 * minus the signal that ended it), its peak resident memory in KiB, and its
 * user and system CPU time in microseconds. Exits with PROGRAM's status.
 *
 * make bench starts every measured program through this, because Linux
 * counts into a process's peak memory the memory of whatever it was before
 * exec(): started straight from the Python harness, every program would
 * "peak" at the harness's own 15-25 MB. This program is linked statically
 * where possible and does nothing else, so its own few hundred KiB is all
 * it adds; /usr/bin/time would do the same, with CPU times in hundredths
 * of a second only.
 */
#define _DEFAULT_SOURCE /* wait4() */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

extern char **environ;

static long long microseconds(struct timeval t) { return t.tv_sec * 1000000LL + t.tv_usec; }

int main(int argc, char *argv[])
{
    if (argc < 3) {
        fprintf(stderr, "usage: measure REPORT PROGRAM [ARG...]\n");
        return 2;
    }
    pid_t pid;
    int error = posix_spawnp(&pid, argv[2], NULL, NULL, argv + 2, environ);
    if (error != 0) {
        fprintf(stderr, "measure: %s: %s\n", argv[2], strerror(error));
        return 127;
    }
    int status;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
            return 1;
        }
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    FILE *report = fopen(argv[1], "w");
    if (report == NULL || fprintf(report, "%d %ld %lld %lld\n", code, usage.ru_maxrss,
                                  microseconds(usage.ru_utime), microseconds(usage.ru_stime)) < 0
        || fclose(report) != 0) {
        fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    return code >= 0 ? code : 128 - code;
}
