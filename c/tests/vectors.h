/* vectors.h: the golden test vectors of shared/vectors/, loaded for the unit
   tests (see shared/PROTOCOL.md, section 7, for what each file means). */
#ifndef FIFO_PUBSUB_TEST_VECTORS_H
#define FIFO_PUBSUB_TEST_VECTORS_H

#include <stdbool.h>
#include <stddef.h>

struct bytes {
    char *data;
    size_t len;
};

struct vector {
    char name[64];
    bool from_stdin;   /* a stdin case (NAME.pipe exists) or a raw case */
    struct bytes in;   /* NAME.in */
    struct bytes pipe; /* NAME.pipe for stdin cases; NAME.in for raw ones */
    struct bytes out;  /* NAME.out */
    struct bytes out_raw; /* NAME.out-raw: what a subscriber prints with --raw */
    struct bytes err;  /* NAME.err with {prog} and {pipe} replaced; may be empty */
};

/* Load every vector, sorted by name, with {prog} in NAME.err replaced by
   prog and {pipe} by pipe_path. The directory is $VECTORS_DIR, else
   shared/vectors (the tests run from the top of the repository). Aborts the
   test run if it finds none. */
size_t vectors_load(const char *prog, const char *pipe_path, struct vector **vectors);

void vectors_free(struct vector *vectors, size_t count);

/* Read a whole file; returns false if it does not exist. */
bool read_file(const char *path, struct bytes *bytes);

#endif
