/*
 * LD_PRELOAD shim that lets Debian's own store daemons (xen-utils-4.17's
 * xenstored and oxenstored) run on a host without a hypervisor, so tests and
 * benchmarks can put lintel-stored beside them in the same run.
 *
 * Opens of the Xen devices and of the /proc/xen files are redirected to
 * stand-ins under $LINTEL_SHIM_XENDIR (made by refstored.py), and every ioctl
 * on a stand-in "succeeds" with a fresh event channel port, except the probe
 * libxenforeignmemory expects to fail. Socket clients never touch any of this.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libxenforeignmemory probes whether privcmd implements this (it must not). */
#define PRIVCMD_PROBE_NR 0xff

static int next_port = 10;

static int is_xen_device(int fd)
{
    const char *dir = getenv("LINTEL_SHIM_XENDIR");
    char link[64], target[512];
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, target, sizeof(target) - 1);
    if (!dir || n <= 0)
        return 0;
    target[n] = '\0';
    return strncmp(target, dir, strlen(dir)) == 0;
}

int ioctl(int fd, unsigned long request, ...)
{
    static int (*real_ioctl)(int, unsigned long, void *);
    va_list ap;
    void *arg;

    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (!real_ioctl)
        real_ioctl = (int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
    if (!is_xen_device(fd))
        return real_ioctl(fd, request, arg);
    if ((request & 0xff) == PRIVCMD_PROBE_NR) {
        errno = ENOTTY;
        return -1;
    }
    return next_port++;
}

static const char *redirect(const char *path, char *buf, size_t size)
{
    const char *dir = getenv("LINTEL_SHIM_XENDIR");

    if (!dir)
        return path;
    if (strncmp(path, "/proc/xen/", 10) == 0)
        snprintf(buf, size, "%s/%s", dir, path + 10);
    else if (strncmp(path, "/dev/xen/", 9) == 0)
        snprintf(buf, size, "%s/%s", dir, path + 9);
    else
        return path;
    return buf;
}

int open(const char *path, int flags, ...)
{
    static int (*real_open)(const char *, int, ...);
    char buf[512];
    va_list ap;
    int mode;

    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
    if (!real_open)
        real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    return real_open(redirect(path, buf, sizeof(buf)), flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char *path, int flags, ...)
{
    static int (*real_openat)(int, const char *, int, ...);
    char buf[512];
    va_list ap;
    int mode;

    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
    if (!real_openat)
        real_openat = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
    return real_openat(dirfd, redirect(path, buf, sizeof(buf)), flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

/* _FORTIFY_SOURCE builds (Debian's) call these when no mode is passed. */
int __open_2(const char *path, int flags)
{
    return open(path, flags, 0);
}

int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));

int __openat_2(int dirfd, const char *path, int flags)
{
    return openat(dirfd, path, flags, 0);
}

int __openat64_2(int dirfd, const char *path, int flags) __attribute__((alias("__openat_2")));
