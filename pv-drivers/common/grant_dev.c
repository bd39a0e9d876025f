#include "grant_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

int grant_dev_open(struct grant_dev *dev)
{
    dev->fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    return dev->fd < 0 ? -errno : 0;
}

void grant_dev_close(struct grant_dev *dev)
{
    if (dev->fd >= 0)
        close(dev->fd);
    dev->fd = -1;
}

static int release_refs(struct grant_dev *dev, uint64_t index, unsigned int count)
{
    struct ioctl_gntdev_unmap_grant_ref unmap = { .index = index, .count = count };

    return ioctl(dev->fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap) < 0 ? -errno : 0;
}

int grant_map(struct grant_dev *dev, uint32_t domid, const grant_ref_t *refs,
              unsigned int count, bool writable, struct grant_mapping *map)
{
    size_t size = sizeof(struct ioctl_gntdev_map_grant_ref) +
                  (count ? count - 1 : 0) * sizeof(struct ioctl_gntdev_grant_ref);
    struct ioctl_gntdev_map_grant_ref *req;
    int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    int rc = 0;

    memset(map, 0, sizeof(*map));
    if (count == 0)
        return -EINVAL;
    req = calloc(1, size);
    if (!req)
        return -ENOMEM;
    req->count = count;
    for (unsigned int i = 0; i < count; i++) {
        req->refs[i].domid = domid;
        req->refs[i].ref = refs[i];
    }
    if (ioctl(dev->fd, IOCTL_GNTDEV_MAP_GRANT_REF, req) < 0) {
        rc = -errno;
        goto out;
    }
    /* gntdev maps the grants only now; a bad reference fails here. */
    map->addr = mmap(NULL, (size_t)count * GRANT_PAGE_SIZE, prot, MAP_SHARED, dev->fd,
                     (off_t)req->index);
    if (map->addr == MAP_FAILED) {
        rc = -errno;
        map->addr = NULL;
        release_refs(dev, req->index, count);
        goto out;
    }
    map->index = req->index;
    map->count = count;
out:
    free(req);
    return rc;
}

void grant_unmap(struct grant_dev *dev, struct grant_mapping *map)
{
    if (!map->addr)
        return;
    munmap(map->addr, (size_t)map->count * GRANT_PAGE_SIZE);
    release_refs(dev, map->index, map->count);
    memset(map, 0, sizeof(*map));
}

int grant_copy(struct grant_dev *dev, struct gntdev_grant_copy_segment *segs,
               unsigned int count)
{
    struct ioctl_gntdev_grant_copy copy = { .count = count, .segments = segs };

    if (count == 0)
        return 0;
    if (ioctl(dev->fd, IOCTL_GNTDEV_GRANT_COPY, &copy) < 0)
        return -errno;
    for (unsigned int i = 0; i < count; i++)
        if (segs[i].status != GNTST_okay)
            return -EIO;
    return 0;
}

void grant_copy_from_guest(struct gntdev_grant_copy_segment *seg, uint32_t domid,
                           grant_ref_t ref, uint16_t offset, void *buf, uint16_t len)
{
    memset(seg, 0, sizeof(*seg));
    seg->source.foreign.ref = ref;
    seg->source.foreign.offset = offset;
    seg->source.foreign.domid = (domid_t)domid;
    seg->dest.virt = buf;
    seg->len = len;
    seg->flags = GNTCOPY_source_gref;
}

void grant_copy_to_guest(struct gntdev_grant_copy_segment *seg, uint32_t domid,
                         grant_ref_t ref, uint16_t offset, const void *buf, uint16_t len)
{
    memset(seg, 0, sizeof(*seg));
    seg->source.virt = (void *)buf;
    seg->dest.foreign.ref = ref;
    seg->dest.foreign.offset = offset;
    seg->dest.foreign.domid = (domid_t)domid;
    seg->len = len;
    seg->flags = GNTCOPY_dest_gref;
}
