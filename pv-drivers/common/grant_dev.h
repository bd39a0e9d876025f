/*
 * Another domain's granted pages, through Linux's /dev/xen/gntdev: mapped
 * into this process (rings, which both ends touch for the whole connection)
 * or copied in and out by the hypervisor (request data, which a misbehaving
 * frontend could otherwise change while the backend reads it).
 */
#ifndef LINTEL_GRANT_DEV_H
#define LINTEL_GRANT_DEV_H

#include <stdbool.h>
#include <stdint.h>

/* Before <xen/gntdev.h>: the uapi header uses grant_ref_t and domid_t. */
#include "public/grant_table.h"
#include <xen/gntdev.h>

#define GRANT_PAGE_SIZE 4096u

struct grant_dev {
    int fd;
};

struct grant_mapping {
    void *addr;       /* NULL when nothing is mapped */
    uint64_t index;   /* gntdev's offset for these grants */
    unsigned int count;
};

/* 0, or -errno (no gntdev: is xen-gntdev loaded?). */
int grant_dev_open(struct grant_dev *dev);
void grant_dev_close(struct grant_dev *dev);

/*
 * Maps COUNT grant references of DOMID at consecutive addresses. 0 with
 * MAP filled in, or -errno with nothing mapped.
 */
int grant_map(struct grant_dev *dev, uint32_t domid, const grant_ref_t *refs,
              unsigned int count, bool writable, struct grant_mapping *map);
/* Unmaps what grant_map mapped; safe on an empty mapping. */
void grant_unmap(struct grant_dev *dev, struct grant_mapping *map);

/*
 * Runs COUNT copy segments (struct gntdev_grant_copy_segment, one granted
 * page each). 0 when every segment succeeded; -EIO when the hypervisor
 * refused at least one (the segment's status says which and why); other
 * -errno when the whole call failed.
 */
int grant_copy(struct grant_dev *dev, struct gntdev_grant_copy_segment *segs,
               unsigned int count);

/* Fills SEG to copy LEN bytes from DOMID's REF at OFFSET into BUF. */
void grant_copy_from_guest(struct gntdev_grant_copy_segment *seg, uint32_t domid,
                           grant_ref_t ref, uint16_t offset, void *buf, uint16_t len);
/* Fills SEG to copy LEN bytes from BUF into DOMID's REF at OFFSET. */
void grant_copy_to_guest(struct gntdev_grant_copy_segment *seg, uint32_t domid,
                         grant_ref_t ref, uint16_t offset, const void *buf, uint16_t len);

#endif
