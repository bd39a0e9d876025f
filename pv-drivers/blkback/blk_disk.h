/*
 * The storage behind a virtual disk: a raw (possibly sparse) image file or
 * a block device, opened read-only or read-write.
 */
#ifndef LINTEL_BLK_DISK_H
#define LINTEL_BLK_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blk_disk {
    int fd;
    bool readonly;
    bool is_block_device;
    bool can_discard;
    uint64_t sectors;        /* 512-byte sectors */
};

/* 0, or -errno with WHY naming the path and the problem. */
int blk_disk_open(struct blk_disk *disk, const char *path, bool readonly, char *why,
                  size_t why_len);
void blk_disk_close(struct blk_disk *disk);

/* Whole transfers at byte offset OFFSET: 0 or -errno (-EIO on a short one). */
int blk_disk_read(struct blk_disk *disk, void *buf, size_t len, uint64_t offset);
int blk_disk_write(struct blk_disk *disk, const void *buf, size_t len, uint64_t offset);
/* Returns once everything written so far is on stable storage. */
int blk_disk_flush(struct blk_disk *disk);
/* Frees the range (file: punch a hole, reads give zeros; device: BLKDISCARD). */
int blk_disk_discard(struct blk_disk *disk, uint64_t offset, uint64_t len);

#endif
