#include "console_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_MAX_USED 64

static bool safe_file_name(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    /* No "..", no hidden files, no separators: the name stays inside DIR. */
    if (len == 0 || len > NAME_MAX_USED || name[0] == '.' || name[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

void console_log_file_name(const char *name, uint32_t domid, char *out, size_t out_len)
{
    if (safe_file_name(name))
        snprintf(out, out_len, "%s", name);
    else
        snprintf(out, out_len, "domain-%u", domid);
}

static int open_file(struct console_log *log, int extra_flags)
{
    struct stat st;

    log->fd = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
                   extra_flags, 0640);
    if (log->fd < 0)
        return -errno;
    log->size = fstat(log->fd, &st) == 0 ? st.st_size : 0;
    return 0;
}

int console_log_open(struct console_log *log, const char *dir, const char *file,
                     off_t max_size)
{
    log->fd = -1;
    log->max_size = max_size;
    if (snprintf(log->path, sizeof(log->path), "%s/%s.log", dir, file) >=
        (int)sizeof(log->path))
        return -ENAMETOOLONG;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return -errno;
    return open_file(log, 0);
}

static int rotate(struct console_log *log)
{
    char old[sizeof(log->path) + 2];

    close(log->fd);
    log->fd = -1;
    snprintf(old, sizeof(old), "%s.1", log->path);
    /* Should the old copy not be kept, the size limit still holds: start over. */
    (void)rename(log->path, old);
    return open_file(log, O_TRUNC);
}

int console_log_write(struct console_log *log, const char *p, size_t n)
{
    int rc;

    if (log->fd < 0)
        return -EBADF;
    if (log->size > 0 && log->size + (off_t)n > log->max_size && (rc = rotate(log)) < 0)
        return rc;
    while (n > 0) {
        ssize_t done = write(log->fd, p, n);

        if (done < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += done;
        n -= (size_t)done;
        log->size += done;
    }
    return 0;
}

void console_log_close(struct console_log *log)
{
    if (log->fd >= 0)
        close(log->fd);
    log->fd = -1;
}
