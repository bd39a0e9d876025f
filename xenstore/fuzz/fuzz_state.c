/*
 * libFuzzer target: arbitrary bytes as lintel-stored's state file. Loading
 * must either succeed or leave an empty, working store; never crash or leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "persist.h"

static void count_watch(void *ctx, uint32_t domid, const char *path, const char *token,
                        bool relative)
{
    (void)domid;
    (void)path;
    (void)token;
    (void)relative;
    (*(unsigned *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    static int fd = -1;
    struct store s;
    struct xs_conn dom0;
    struct xsd_sockmsg read_root = { XS_DIRECTORY, 1, 0, 2 };
    unsigned watches = 0;

    if (fd < 0) {
        fd = memfd_create("state", 0);
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
        return 0;
    if (store_init(&s))
        return 0;
    persist_load(&s, path, count_watch, &watches);
    /* Whatever was loaded must serve requests. */
    conn_init(&dom0, 0, true);
    store_request(&s, &dom0, &read_root, "/");
    msgq_clear(&dom0.out);
    store_conn_closed(&s, &dom0);
    store_destroy(&s);
    return 0;
}
