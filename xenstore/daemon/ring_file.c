/*
 * Rings in shared files, for hosts without a hypervisor: domain N's page is
 * <ring-dir>/dom<N>.ring; it kicks us with a datagram to <ring-dir>/dom<N>.sock
 * and we kick it at <ring-dir>/dom<N>.guest when that socket exists. The ring
 * code and the protocol are exactly those a Xen guest gets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ring_backend.h"

static void file_path(const struct ring_endpoint *re, const char *suffix, char *out, size_t size)
{
    snprintf(out, size, "%s/dom%u.%s", re->ep.d->opts.ring_dir, re->domid, suffix);
}

static void on_file_kick(void *arg, short revents)
{
    struct ring_endpoint *re = arg;
    char buf[64];

    (void)revents;
    while (recv(re->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
        ;
    ring_kick(re);
}

static int bind_kick_socket(struct ring_endpoint *re)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    file_path(re, "sock", sa.sun_path, sizeof(sa.sun_path));
    unlink(sa.sun_path);
    re->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (re->fd < 0)
        return errno;
    if (bind(re->fd, (struct sockaddr *)&sa, sizeof(sa)))
        return errno;
    return loop_add(&re->ep.d->loop, re->fd, POLLIN, on_file_kick, re);
}

static int file_map(struct ring_endpoint *re, uint64_t mfn, uint32_t port)
{
    char path[4096];
    struct stat st;
    int fd, err;

    (void)mfn;
    re->local_port = port;
    file_path(re, "ring", path, sizeof(path));
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? ENOENT : errno;
    if (fstat(fd, &st) || st.st_size < (off_t)sizeof(*re->intf)) {
        close(fd);
        return EINVAL;
    }
    re->mapping = mmap(NULL, sizeof(*re->intf), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (re->mapping == MAP_FAILED)
        return errno;
    re->intf = re->mapping;
    err = bind_kick_socket(re);
    if (err) {
        if (re->fd >= 0)
            close(re->fd);
        munmap(re->mapping, sizeof(*re->intf));
    }
    return err;
}

static void file_notify(struct ring_endpoint *re)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    file_path(re, "guest", sa.sun_path, sizeof(sa.sun_path));
    sendto(re->fd, "!", 1, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa));
}

static void file_unmap(struct ring_endpoint *re)
{
    char path[4096];

    loop_remove(&re->ep.d->loop, re->fd);
    close(re->fd);
    file_path(re, "sock", path, sizeof(path));
    unlink(path);
    munmap(re->mapping, sizeof(*re->intf));
}

const struct ring_backend ring_backend_file = { "file", file_map, file_notify, file_unmap };
