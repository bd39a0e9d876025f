#include "blk_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int blk_disk_open(struct blk_disk *disk, const char *path, bool readonly, char *why,
                  size_t why_len)
{
    struct stat st;
    uint64_t bytes;

    memset(disk, 0, sizeof(*disk));
    disk->readonly = readonly;
    disk->fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (disk->fd < 0 || fstat(disk->fd, &st) < 0) {
        int err = errno;

        snprintf(why, why_len, "%s: %s", path, strerror(err));
        blk_disk_close(disk);
        return -err;
    }
    if (S_ISBLK(st.st_mode)) {
        disk->is_block_device = true;
        if (ioctl(disk->fd, BLKGETSIZE64, &bytes) < 0) {
            int err = errno;

            snprintf(why, why_len, "%s: cannot read the device's size: %s", path, strerror(err));
            blk_disk_close(disk);
            return -err;
        }
    } else if (S_ISREG(st.st_mode)) {
        bytes = (uint64_t)st.st_size;
    } else {
        snprintf(why, why_len, "%s: neither a regular file nor a block device", path);
        blk_disk_close(disk);
        return -EINVAL;
    }
    disk->sectors = bytes / 512;
    /* Holes need a file system that can punch them: probe past the end, where
     * a punch changes nothing. */
    disk->can_discard = !readonly &&
        (disk->is_block_device ||
         fallocate(disk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                   (off_t)((bytes + 4095) & ~4095ull), 4096) == 0);
    return 0;
}

void blk_disk_close(struct blk_disk *disk)
{
    if (disk->fd >= 0)
        close(disk->fd);
    disk->fd = -1;
}

int blk_disk_read(struct blk_disk *disk, void *buf, size_t len, uint64_t offset)
{
    char *p = buf;

    while (len) {
        ssize_t got = pread(disk->fd, p, len, (off_t)offset);

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -errno;
        if (got == 0)
            return -EIO;
        p += got;
        len -= (size_t)got;
        offset += (uint64_t)got;
    }
    return 0;
}

int blk_disk_write(struct blk_disk *disk, const void *buf, size_t len, uint64_t offset)
{
    const char *p = buf;

    while (len) {
        ssize_t put = pwrite(disk->fd, p, len, (off_t)offset);

        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return -errno;
        if (put == 0)
            return -EIO;
        p += put;
        len -= (size_t)put;
        offset += (uint64_t)put;
    }
    return 0;
}

int blk_disk_flush(struct blk_disk *disk)
{
    return fdatasync(disk->fd) < 0 ? -errno : 0;
}

int blk_disk_discard(struct blk_disk *disk, uint64_t offset, uint64_t len)
{
    if (len == 0)
        return 0;
    if (disk->is_block_device) {
        uint64_t range[2] = { offset, len };

        return ioctl(disk->fd, BLKDISCARD, range) < 0 ? -errno : 0;
    }
    return fallocate(disk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset,
                     (off_t)len) < 0 ? -errno : 0;
}
