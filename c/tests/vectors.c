/* vectors.c: loading the golden test vectors (see vectors.h). */
#include "vectors.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool read_file(const char *path, struct bytes *bytes)
{
    FILE *file = fopen(path, "rb");
    bytes->data = NULL;
    bytes->len = 0;
    if (file == NULL)
        return false;
    size_t capacity = 0;
    for (;;) {
        if (bytes->len == capacity) {
            capacity = capacity ? capacity * 2 : 4096;
            bytes->data = realloc(bytes->data, capacity + 1);
            if (bytes->data == NULL)
                abort();
        }
        size_t got = fread(bytes->data + bytes->len, 1, capacity - bytes->len, file);
        if (got == 0)
            break;
        bytes->len += got;
    }
    bytes->data[bytes->len] = '\0';
    fclose(file);
    return true;
}

static void replace_all(struct bytes *text, const char *from, const char *to)
{
    size_t from_len = strlen(from), to_len = strlen(to);
    char *hit;
    size_t start = 0;
    while ((hit = strstr(text->data + start, from)) != NULL) {
        size_t at = (size_t)(hit - text->data);
        char *grown = malloc(text->len - from_len + to_len + 1);
        if (grown == NULL)
            abort();
        memcpy(grown, text->data, at);
        memcpy(grown + at, to, to_len);
        memcpy(grown + at + to_len, hit + from_len, text->len - at - from_len + 1);
        free(text->data);
        text->data = grown;
        text->len = text->len - from_len + to_len;
        start = at + to_len;
    }
}

static void missing(const char *path)
{
    fprintf(stderr, "missing test vector file %s\n", path);
    abort();
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct vector *)a)->name, ((const struct vector *)b)->name);
}

size_t vectors_load(const char *prog, const char *pipe_path, struct vector **vectors)
{
    const char *dir = getenv("VECTORS_DIR");
    if (dir == NULL)
        dir = "shared/vectors";
    DIR *listing = opendir(dir);
    if (listing == NULL) {
        fprintf(stderr, "cannot open the vectors directory %s (run from the repository's top)\n", dir);
        abort();
    }

    size_t count = 0, capacity = 0;
    struct vector *all = NULL;
    struct dirent *entry;
    while ((entry = readdir(listing)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 4 || strcmp(entry->d_name + len - 3, ".in") != 0 || len - 3 >= 64)
            continue;
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 32;
            all = realloc(all, capacity * sizeof *all);
            if (all == NULL)
                abort();
        }
        struct vector *v = &all[count++];
        memset(v, 0, sizeof *v);
        memcpy(v->name, entry->d_name, len - 3);

        char path[4096];
        snprintf(path, sizeof path, "%s/%s.in", dir, v->name);
        read_file(path, &v->in);
        snprintf(path, sizeof path, "%s/%s.pipe", dir, v->name);
        v->from_stdin = read_file(path, &v->pipe);
        if (!v->from_stdin) { /* a raw case: NAME.in goes straight into the pipe */
            v->pipe.data = malloc(v->in.len + 1);
            if (v->pipe.data == NULL)
                abort();
            memcpy(v->pipe.data, v->in.data, v->in.len + 1);
            v->pipe.len = v->in.len;
        }
        snprintf(path, sizeof path, "%s/%s.out", dir, v->name);
        if (!read_file(path, &v->out))
            missing(path);
        snprintf(path, sizeof path, "%s/%s.out-raw", dir, v->name);
        if (!read_file(path, &v->out_raw))
            missing(path);
        snprintf(path, sizeof path, "%s/%s.err", dir, v->name);
        if (!read_file(path, &v->err)) {
            v->err.data = calloc(1, 1);
            v->err.len = 0;
        }
        replace_all(&v->err, "{prog}", prog);
        replace_all(&v->err, "{pipe}", pipe_path);
    }
    closedir(listing);
    if (count == 0) {
        fprintf(stderr, "no test vectors in %s\n", dir);
        abort();
    }
    qsort(all, count, sizeof *all, by_name);
    *vectors = all;
    return count;
}

void vectors_free(struct vector *vectors, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(vectors[i].in.data);
        free(vectors[i].pipe.data);
        free(vectors[i].out.data);
        free(vectors[i].out_raw.data);
        free(vectors[i].err.data);
    }
    free(vectors);
}
