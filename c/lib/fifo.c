/* fifo.c: the named pipe (see fifo.h).

   The checks come in two steps because a path can change between them:
   lstat() decides whether to create the FIFO, and fstat() on the opened
   descriptor confirms what was really opened. O_NOFOLLOW makes the open fail
   with ELOOP if a symbolic link was put in the FIFO's place meanwhile. */
#include "fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
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

/* Sleep for ms milliseconds; a signal may cut it short. */
static void pause_ms(long ms)
{
    struct timespec moment = {ms / 1000, (ms % 1000) * 1000000L};
    (void)nanosleep(&moment, NULL);
}

static double seconds_now(void)
{
    struct timespec now;
    (void)clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

#define WRITER_RETRY_MS 100 /* the longest a publisher waits between two tries */
#define CHECKS_EVERY 10     /* tries between two runs of the FIFO checks */

/* The pause before try number TRIES: 2, 4, 8 ... ms, then WRITER_RETRY_MS,
   so that a subscriber that comes a moment later is found at once, and one
   that comes much later costs ten tries a second. */
static int writer_pause_ms(int tries)
{
    return tries < 7 ? 1 << tries : WRITER_RETRY_MS;
}

/* Open PATH for writing once a reader has it open. A blocking open() would
   wait on the FIFO that was there when it began, even after the path names
   another, so it opens without blocking (ENXIO: no reader yet) and tries
   again, running the FIFO checks again now and then: they make a removed
   FIFO again, and refuse what is not ours. Returns the descriptor, blocking
   again, or -1 (reported). */
static int open_for_a_subscriber(const char *path)
{
    bool said = false;
    for (int tries = 1;; tries++) {
        int fd = open_existing(path, O_WRONLY | O_NONBLOCK);
        if (fd >= 0) {
            /* Writes must block while the pipe is full rather than fail
               with EAGAIN. */
            int flags = fcntl(fd, F_GETFL);
            if (flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0)
                return confirm_fifo(fd, path);
            system_error(path);
            close(fd);
            return -1;
        }
        bool removed = errno == ENOENT;
        if (errno != ENXIO && !removed)
            return system_error(path);
        if (!said)
            report("%s: waiting for a subscriber", path);
        said = true;
        if ((removed || tries % CHECKS_EVERY == 0) && fifo_prepare(path) < 0)
            return -1;
        pause_ms(writer_pause_ms(tries));
    }
}

int fifo_writer_open(struct fifo_writer *writer, const char *path)
{
    writer->path = path;
    frame_batch_init(&writer->batch);
    writer->fd = open_for_a_subscriber(path);
    return writer->fd < 0 ? -1 : 0;
}

/* The subscriber went away. Open the FIFO again, which waits for the next
   one, and only then close the old descriptor: while any descriptor is open
   the kernel keeps the frames still unread in the pipe, and the next
   subscriber receives them instead of their being thrown away. */
static int reconnect(struct fifo_writer *writer)
{
    report("%s: subscriber went away (broken pipe)", writer->path);
    int fd = -1;
    if (fifo_prepare(writer->path) == 0)
        fd = open_for_a_subscriber(writer->path);
    if (fd < 0)
        return -1;
    close(writer->fd);
    writer->fd = fd;
    return 0;
}

int fifo_writer_send(struct fifo_writer *writer)
{
    struct frame_batch *batch = &writer->batch;
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

#define DRAIN_CHECK_MS 10    /* how often a closing publisher looks at the pipe */
#define DRAIN_NOTICE_AFTER 1 /* seconds before it says that it waits */

int fifo_writer_close(struct fifo_writer *writer)
{
    int result = fifo_writer_send(writer);
    double start = seconds_now();
    bool said = false;
    while (result == 0) {
        int left;
        if (ioctl(writer->fd, FIONREAD, &left) < 0) {
            result = system_error(writer->path);
            break;
        }
        if (left == 0)
            break;
        if (!said && seconds_now() - start > DRAIN_NOTICE_AFTER) {
            report("%s: waiting for a subscriber to take %d bytes", writer->path, left);
            said = true;
        }
        pause_ms(DRAIN_CHECK_MS);
    }
    close(writer->fd);
    writer->fd = -1;
    return result;
}

/* Open for reading without blocking: the subscriber waits for writers in
   pselect(), where SIGINT and SIGTERM are handled without races, and it can
   open the FIFO again before it closes the old descriptor. On Linux,
   pselect() on a FIFO that has had no writer since it was opened simply
   waits. Returns the descriptor or -1 (reported). */
static int open_for_reading(const char *path)
{
    int fd = open_existing(path, O_RDONLY | O_NONBLOCK);
    return fd < 0 ? system_error(path) : confirm_fifo(fd, path);
}

int fifo_reader_open(struct fifo_reader *reader, const char *path)
{
    reader->path = path;
    reader->fresh = true;
    reader->fd = open_for_reading(path);
    if (reader->fd < 0)
        return -1;
    if (isatty(STDERR_FILENO) == 1)
        report("%s: waiting for a publisher", path);
    return 0;
}

/* Prepare and open the FIFO at the path, and only then close the old
   descriptor. Returns 0 or -1 (reported; the old descriptor closed). */
static int open_again(struct fifo_reader *reader)
{
    int fd = fifo_prepare(reader->path) < 0 ? -1 : open_for_reading(reader->path);
    close(reader->fd);
    reader->fd = fd;
    reader->fresh = true;
    return fd < 0 ? -1 : 0;
}

enum fifo_read_result fifo_reader_reopen(struct fifo_reader *reader)
{
    return open_again(reader) < 0 ? FIFO_ERROR : FIFO_BYTES;
}

/* Does the path still name the FIFO this descriptor holds? */
static bool path_names_our_fifo(const struct fifo_reader *reader)
{
    struct stat at_path, held;
    return lstat(reader->path, &at_path) == 0 && fstat(reader->fd, &held) == 0 &&
           at_path.st_dev == held.st_dev && at_path.st_ino == held.st_ino;
}

#define FOLLOW_EVERY_SECONDS 1 /* how often a waiting subscriber looks at its path */

/* Sleep, using no CPU, until the pipe has something to read (bytes, or the
   end of file of a writer that came and went), a stop signal comes, or a
   second has passed. SIGINT and SIGTERM are blocked except inside
   pselect(), so a signal cannot slip in between the check and the sleep.
   Returns 0 or -1 (reported). */
static int wait_readable(struct fifo_reader *reader)
{
    sigset_t stop_signals, unblocked;
    sigemptyset(&stop_signals);
    signals_add_stop_signals(&stop_signals);
    if (sigprocmask(SIG_BLOCK, &stop_signals, &unblocked) < 0)
        return system_error(reader->path);

    int result = 0;
    if (!signals_stop_requested()) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(reader->fd, &readable);
        struct timespec follow = {FOLLOW_EVERY_SECONDS, 0};
        int ready = pselect(reader->fd + 1, &readable, NULL, NULL, &follow, &unblocked);
        /* Readable: bytes, or a writer that came and went (end of file), so
           a 0 from read() now is a real end of file. */
        if (ready > 0)
            reader->fresh = false;
        if (ready < 0 && errno != EINTR)
            result = system_error(reader->path);
    }
    int saved_errno = errno;
    (void)sigprocmask(SIG_SETMASK, &unblocked, NULL);
    errno = saved_errno;
    return result;
}

/* After a stop signal, with the head of a frame held: read the rest of that
   one frame and nothing more, one byte at a time, so that not one byte past
   its LF leaves the pipe (what follows stays there for the next reader).
   Stops at the LF, when no byte is ready or at end of file, or after
   MESSAGE_MAX + 2 bytes, the longest frame. Returns the bytes read, or -1. */
static ssize_t read_rest_of_frame(struct fifo_reader *reader)
{
    size_t taken = 0;
    while (taken < MESSAGE_MAX + 2) {
        ssize_t n = read(reader->fd, reader->chunk + taken, 1);
        if (n == 0 || (n < 0 && errno == EAGAIN))
            break; /* no more of the frame: it ends here, as at end of file */
        if (n < 0 && errno != EINTR)
            return system_error(reader->path);
        if (n > 0 && reader->chunk[taken++] == '\n')
            break;
    }
    return (ssize_t)taken;
}

/* A stop signal has come: complete a frame begun, then end the input. */
static enum fifo_read_result stop(struct fifo_reader *reader, struct frame_decoder *frames)
{
    if (frame_decoder_mid_frame(frames)) {
        ssize_t n = read_rest_of_frame(reader);
        if (n < 0)
            return FIFO_ERROR;
        frame_decoder_feed(frames, reader->chunk, (size_t)n);
    }
    frame_decoder_finish(frames);
    return FIFO_STOPPED;
}

enum fifo_read_result fifo_reader_read(struct fifo_reader *reader, struct frame_decoder *frames,
                                       struct output *out)
{
    for (;;) {
        if (signals_stop_requested())
            return stop(reader, frames);
        ssize_t n = read(reader->fd, reader->chunk, sizeof reader->chunk);
        if (n > 0) {
            reader->fresh = false;
            frame_decoder_feed(frames, reader->chunk, (size_t)n);
            return FIFO_BYTES;
        }
        /* On a descriptor just opened, 0 only means that no writer has come
           yet: the subscriber waits for one, and follows its path
           meanwhile. EAGAIN means that a writer is connected, idle. */
        if (n == 0 && !reader->fresh) {
            frame_decoder_finish(frames);
            return FIFO_END_OF_FILE;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN) {
            system_error(reader->path);
            return FIFO_ERROR;
        }
        if (n < 0)
            reader->fresh = false;
        if (reader->fresh && !path_names_our_fifo(reader) && open_again(reader) < 0)
            return FIFO_ERROR;
        /* Nothing yet: what was printed goes out while the pipe is idle. */
        if (output_flush(out) < 0 || wait_readable(reader) < 0)
            return FIFO_ERROR;
    }
}
