/* fifo.c: FIFO preparation and opening (see fifo.h).

   The checks come in two steps because a path can change between them:
   lstat() decides whether to create the FIFO, and fstat() on the opened
   descriptor confirms what was really opened. O_NOFOLLOW makes the open fail
   with ELOOP if a symbolic link was put in the FIFO's place meanwhile. */
#include "fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

static int not_a_fifo(const char *path, const struct stat *st)
{
    if (S_ISLNK(st->st_mode))
        report("%s: is a symbolic link, not a named pipe", path);
    else
        report("%s: exists and is not a named pipe", path);
    return -1;
}

static int system_error(const char *path)
{
    if (errno == ELOOP)
        report("%s: is a symbolic link, not a named pipe", path);
    else
        report("%s: %s", path, strerror(errno));
    return -1;
}

int fifo_prepare(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return S_ISFIFO(st.st_mode) ? 0 : not_a_fifo(path, &st);
    if (errno != ENOENT)
        return system_error(path);

    /* 0600: the tutorial's 0666 let every local user read and inject
       messages. EEXIST means a peer created it first, which is fine, as long
       as what it created is a FIFO. */
    if (mkfifo(path, 0600) == 0)
        return 0;
    if (errno != EEXIST)
        return system_error(path);
    if (lstat(path, &st) < 0)
        return system_error(path);
    return S_ISFIFO(st.st_mode) ? 0 : not_a_fifo(path, &st);
}

/* Confirm that fd, just opened from path, is a FIFO; close it if not. */
static int confirm_fifo(int fd, const char *path)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        system_error(path);
    else if (!S_ISFIFO(st.st_mode))
        not_a_fifo(path, &st);
    else
        return fd;
    close(fd);
    return -1;
}

/* open() without O_CREAT, so it can never create a regular file, and
   retried after EINTR (a signal that does not stop the program). */
static int open_existing(const char *path, int flags)
{
    for (;;) {
        int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 || errno != EINTR)
            return fd;
    }
}

int fifo_open_reader(const char *path)
{
    /* A blocking open would wait here for a writer. Opening non-blocking lets
       a subscriber open the FIFO again before it closes the old descriptor
       (see subscribe.c), and wait for writers in pselect(), where SIGINT and
       SIGTERM are handled without races. On Linux, poll() and select() on a
       FIFO that has had no writer since it was opened simply wait. */
    int fd = open_existing(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return system_error(path);
    return confirm_fifo(fd, path);
}

int fifo_open_writer(const char *path)
{
    /* A non-blocking open for writing fails with ENXIO when no reader has the
       FIFO open: that is how we know to tell the user we are waiting. */
    int fd = open_existing(path, O_WRONLY | O_NONBLOCK);
    if (fd < 0 && errno == ENXIO) {
        report("%s: waiting for a subscriber", path);
        fd = open_existing(path, O_WRONLY);
    }
    if (fd < 0)
        return system_error(path);

    /* Writes must block while the pipe is full rather than fail with
       EAGAIN, so take O_NONBLOCK off again. */
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        system_error(path);
        close(fd);
        return -1;
    }
    return confirm_fifo(fd, path);
}
