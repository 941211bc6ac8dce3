/* fifo.c: the named pipe (see fifo.h).

   The checks come in two steps because a path can change between them:
   lstat() decides whether to create the FIFO, and fstat() on the opened
   descriptor confirms what was really opened. O_NOFOLLOW makes the open fail
   with ELOOP if a symbolic link was put in the FIFO's place meanwhile. */
#include "fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "signals.h"

int fifo_guard_std_streams(void)
{
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        /* open() takes the lowest free descriptor: this one, since the
           lower ones are open by now. */
        int null_fd = open("/dev/null", O_RDWR);
        if (null_fd < 0) {
            report("/dev/null: %s", strerror(errno));
            return -1;
        }
        if (null_fd != fd) {
            report("/dev/null: opened as descriptor %d instead of %d", null_fd, fd);
            close(null_fd);
            return -1;
        }
    }
    return 0;
}

static int system_error(const char *path)
{
    if (errno == ELOOP)
        report("%s: is a symbolic link, not a named pipe", path);
    else
        report("%s: %s", path, strerror(errno));
    return -1;
}

/* Is st a FIFO we may use? In a shared directory such as /tmp, a FIFO that
   another user owns, or that others may write to, lets them read our
   messages or inject their own (an "exit", say). Group write permission is
   the owner's own choice. Returns 0 or -1 (reported). */
static int check_fifo(const char *path, const struct stat *st)
{
    if (S_ISLNK(st->st_mode))
        report("%s: is a symbolic link, not a named pipe", path);
    else if (!S_ISFIFO(st->st_mode))
        report("%s: exists and is not a named pipe", path);
    else if (st->st_uid != geteuid())
        report("%s: belongs to another user (uid %lu), who could read or inject messages", path,
               (unsigned long)st->st_uid);
    else if (st->st_mode & S_IWOTH)
        report("%s: other users may write to it (mode %04o), so they could inject messages", path,
               (unsigned)(st->st_mode & 07777));
    else
        return 0;
    return -1;
}

int fifo_prepare(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return check_fifo(path, &st);
    if (errno != ENOENT)
        return system_error(path);

    /* 0600: the tutorial's 0666 let every local user read and inject
       messages. EEXIST means a peer created it first, which is fine, as long
       as what it created passes the checks. */
    if (mkfifo(path, 0600) == 0)
        return 0;
    if (errno != EEXIST || lstat(path, &st) < 0)
        return system_error(path);
    return check_fifo(path, &st);
}

/* fd was just opened from path: check what it really is; close it if it
   does not pass. Returns fd or -1. */
static int confirm_fifo(int fd, const char *path)
{
    struct stat st;
    int result = fstat(fd, &st) < 0 ? system_error(path) : check_fifo(path, &st);
    if (result == 0)
        return fd;
    close(fd);
    return -1;
}

/* open() without O_CREAT, so it can never create a regular file, without
   following a symbolic link, and retried after EINTR. */
static int open_existing(const char *path, int flags)
{
    for (;;) {
        int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 || errno != EINTR)
            return fd;
    }
}

int fifo_writer_open(struct fifo_writer *writer, const char *path)
{
    writer->path = path;
    writer->fd = -1;

    /* A non-blocking open for writing fails with ENXIO when no reader has the
       FIFO open: that is how we know to say that we wait. */
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
    writer->fd = confirm_fifo(fd, path);
    return writer->fd < 0 ? -1 : 0;
}

/* The subscriber went away. Open the FIFO again, which waits for the next
   one, and only then close the old descriptor: while any descriptor is open
   the kernel keeps the frames still unread in the pipe, and the next
   subscriber receives them instead of their being thrown away. */
static int reconnect(struct fifo_writer *writer)
{
    report("%s: subscriber went away (broken pipe)", writer->path);
    struct fifo_writer next;
    if (fifo_prepare(writer->path) < 0 || fifo_writer_open(&next, writer->path) < 0)
        return -1;
    close(writer->fd);
    writer->fd = next.fd;
    return 0;
}

int fifo_writer_send(struct fifo_writer *writer, struct frame_batch *batch)
{
    size_t done = 0;
    while (done < batch->len) {
        /* At most FRAME_MAX = PIPE_BUF bytes: the kernel takes it whole or
           not at all, so after EPIPE none of it reached the pipe. */
        ssize_t written = write(writer->fd, batch->data + done, batch->len - done);
        if (written >= 0)
            done += (size_t)written; /* never short into a pipe; if so, go on */
        else if (errno == EINTR)
            continue;
        else if (errno != EPIPE)
            return system_error(writer->path);
        else if (reconnect(writer) < 0)
            return -1;
    }
    batch->len = 0;
    return 0;
}

int fifo_reader_open(struct fifo_reader *reader, const char *path)
{
    reader->path = path;
    reader->fd = -1;
    reader->fresh = true;

    /* A blocking open would wait here for a writer. Opening non-blocking lets
       the subscriber open the FIFO again before it closes the old descriptor
       (fifo_reader_reopen()), and wait for writers in pselect(), where SIGINT
       and SIGTERM are handled without races. On Linux, pselect() on a FIFO
       that has had no writer since it was opened simply waits. */
    int fd = open_existing(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return system_error(path);
    reader->fd = confirm_fifo(fd, path);
    return reader->fd < 0 ? -1 : 0;
}

enum fifo_read_result fifo_reader_read(struct fifo_reader *reader, char *buffer, size_t size,
                                       size_t *got)
{
    *got = 0;
    for (;;) {
        ssize_t n = read(reader->fd, buffer, size);
        if (n > 0) {
            reader->fresh = false;
            *got = (size_t)n;
            return FIFO_BYTES;
        }
        if (n == 0)
            return reader->fresh ? FIFO_NOTHING_YET : FIFO_END_OF_FILE;
        if (errno == EAGAIN) { /* a writer is connected */
            reader->fresh = false;
            return FIFO_NOTHING_YET;
        }
        if (errno == EINTR && signals_stop_requested())
            return FIFO_NOTHING_YET; /* fifo_reader_wait() sees the signal */
        if (errno != EINTR) {
            system_error(reader->path);
            return FIFO_READ_ERROR;
        }
    }
}

enum fifo_read_result fifo_reader_read_rest_of_frame(struct fifo_reader *reader, char *buffer,
                                                     size_t size, size_t *got)
{
    /* One byte at a time, so that not one byte past the frame's LF is taken
       from the pipe: what follows stays there for the next reader. */
    if (size > MESSAGE_MAX + 2)
        size = MESSAGE_MAX + 2;
    size_t taken = 0;
    while (taken < size) {
        ssize_t n = read(reader->fd, buffer + taken, 1);
        if (n == 0 || (n < 0 && errno == EAGAIN))
            break; /* no more of the frame: it ends here, as at end of file */
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            system_error(reader->path);
            *got = taken;
            return FIFO_READ_ERROR;
        }
        if (buffer[taken++] == '\n')
            break;
    }
    *got = taken;
    return FIFO_BYTES;
}

int fifo_reader_wait(struct fifo_reader *reader)
{
    sigset_t stop_signals, unblocked;
    sigemptyset(&stop_signals);
    signals_add_stop_signals(&stop_signals);
    if (sigprocmask(SIG_BLOCK, &stop_signals, &unblocked) < 0)
        return system_error(reader->path);

    int result = 0;
    while (!signals_stop_requested()) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(reader->fd, &readable);
        if (pselect(reader->fd + 1, &readable, NULL, NULL, NULL, &unblocked) >= 0) {
            /* Readable: bytes, or a writer that came and went (end of file),
               so a 0 from read() now is a real end of file. */
            reader->fresh = false;
            break;
        }
        if (errno != EINTR) {
            result = system_error(reader->path);
            break;
        }
    }
    int saved_errno = errno;
    (void)sigprocmask(SIG_SETMASK, &unblocked, NULL);
    errno = saved_errno;
    return result;
}

int fifo_reader_reopen(struct fifo_reader *reader)
{
    int old_fd = reader->fd;
    int result = -1;
    if (fifo_prepare(reader->path) == 0)
        result = fifo_reader_open(reader, reader->path);
    close(old_fd);
    return result;
}
