/* scratch.c: temporary directories and FIFOs for the tests (see scratch.h). */
#include "scratch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mock_io.h"

static char scratch[64];
char scratch_fifo[256];

const char *scratch_dir(void)
{
    strcpy(scratch, "/tmp/fifo-pubsub-test.XXXXXX");
    if (mkdtemp(scratch) == NULL)
        abort();
    return scratch;
}

void scratch_remove(void)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    if (system(command) != 0)
        fprintf(stderr, "could not remove %s\n", scratch);
}

int scratch_fifo_setup(void **state)
{
    (void)state;
    mock_io_reset();
    snprintf(scratch_fifo, sizeof scratch_fifo, "%s/pipe", scratch_dir());
    return mkfifo(scratch_fifo, 0600);
}

int scratch_fifo_teardown(void **state)
{
    (void)state;
    mock_io_reset();
    scratch_remove();
    return 0;
}
