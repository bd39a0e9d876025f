/*
 * gnt-selftest: grant tables exercised by Linux in dom0, granting to
 * itself with gntalloc and mapping/copying with gntdev, so the same
 * program checks Xen 4.17 and Lintel the way real split drivers use
 * grants (GNTMAP_contains_pte user mappings, kernel-side map ops for the
 * backing pages, grant copy, deferred end of access).
 *
 * Prints "ok <what>" or "FAIL <what>: <why>" per check, then
 * "GNT-SELFTEST: PASS" or "GNT-SELFTEST: FAIL (<n> failed)".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* The uapi header uses the hypervisor ABI's names without defining them. */
typedef uint32_t grant_ref_t;
typedef uint16_t domid_t;

#include <xen/gntalloc.h>
#include <xen/gntdev.h>

#define PAGE 4096
#define SELF 0              /* dom0 grants to itself */
#define NOBODY 7            /* a domain that does not exist */
#define MANY 64             /* pages in the large batch */

#define GNTCOPY_SOURCE_GREF 1
#define GNTCOPY_DEST_GREF   2
#define GNTST_OKAY          0

static int failures;
static int alloc_fd, dev_fd;

static void check(int ok, const char *what, const char *fmt, ...)
{
    va_list ap;

    if (ok) {
        printf("ok   %s\n", what);
        return;
    }
    failures++;
    printf("FAIL %s: ", what);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* A granter-side allocation: count pages granted to domid, mapped here. */
struct granted {
    struct ioctl_gntalloc_alloc_gref *op;
    unsigned char *view;
    unsigned count;
};

static int grant_pages(struct granted *g, unsigned count, uint16_t domid, int writable)
{
    g->count = count;
    g->op = calloc(1, sizeof(*g->op) + count * sizeof(uint32_t));
    g->op->domid = domid;
    g->op->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
    g->op->count = count;
    if (ioctl(alloc_fd, IOCTL_GNTALLOC_ALLOC_GREF, g->op))
        return -errno;
    g->view = mmap(NULL, count * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, alloc_fd,
                   g->op->index);
    return g->view == MAP_FAILED ? -errno : 0;
}

static void ungrant_pages(struct granted *g)
{
    struct ioctl_gntalloc_dealloc_gref op = { .index = g->op->index, .count = g->count };

    munmap(g->view, g->count * PAGE);
    ioctl(alloc_fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op);
    free(g->op);
}

/* A mapper-side mapping of refs from domid. */
struct mapped {
    struct ioctl_gntdev_map_grant_ref *op;
    unsigned char *view;
    unsigned count;
};

static int map_refs(struct mapped *m, const uint32_t *refs, unsigned count, uint32_t domid,
                    int prot)
{
    m->count = count;
    m->op = calloc(1, sizeof(*m->op) + count * sizeof(m->op->refs[0]));
    m->op->count = count;
    for (unsigned i = 0; i < count; i++) {
        m->op->refs[i].domid = domid;
        m->op->refs[i].ref = refs[i];
    }
    m->view = MAP_FAILED;
    if (ioctl(dev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, m->op))
        return -errno;
    m->view = mmap(NULL, count * PAGE, prot, MAP_SHARED, dev_fd, m->op->index);
    return m->view == MAP_FAILED ? -errno : 0;
}

static int unmap_refs(struct mapped *m)
{
    struct ioctl_gntdev_unmap_grant_ref op = { .index = m->op->index, .count = m->count };
    int rc;

    if (m->view != MAP_FAILED)
        munmap(m->view, m->count * PAGE);
    rc = ioctl(dev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &op) ? -errno : 0;
    free(m->op);
    return rc;
}

static void map_read_and_write(void)
{
    struct granted g;
    struct mapped m;
    int rc = grant_pages(&g, 4, SELF, 1);

    check(rc == 0, "gntalloc grants 4 writable pages", "error %d", rc);
    if (rc)
        return;
    for (unsigned i = 0; i < 4 * PAGE; i++)
        g.view[i] = (unsigned char)(i * 7 + 1);
    rc = map_refs(&m, g.op->gref_ids, 4, SELF, PROT_READ | PROT_WRITE);
    check(rc == 0, "gntdev maps them read-write", "error %d", rc);
    if (rc == 0) {
        check(memcmp(m.view, g.view, 4 * PAGE) == 0, "the mapping shows the granted data",
              "contents differ");
        m.view[PAGE + 5] = 0xee;
        check(g.view[PAGE + 5] == 0xee, "a write through the mapping reaches the granter",
              "granter sees %#x", g.view[PAGE + 5]);
    }
    rc = unmap_refs(&m);
    check(rc == 0, "gntdev unmaps them", "error %d", rc);
    ungrant_pages(&g);
}

static void read_only_grant(void)
{
    struct granted g;
    struct mapped m;
    int rc = grant_pages(&g, 1, SELF, 0);

    check(rc == 0, "gntalloc grants a read-only page", "error %d", rc);
    if (rc)
        return;
    g.view[9] = 0x99;
    rc = map_refs(&m, g.op->gref_ids, 1, SELF, PROT_READ | PROT_WRITE);
    check(rc != 0, "a writable mapping of a read-only grant is refused", "mmap succeeded");
    unmap_refs(&m);
    rc = map_refs(&m, g.op->gref_ids, 1, SELF, PROT_READ);
    check(rc == 0, "a read-only mapping of it works", "error %d", rc);
    if (rc == 0)
        check(m.view[9] == 0x99, "and shows the data", "read %#x", m.view[9]);
    unmap_refs(&m);
    ungrant_pages(&g);
}

static void refs_that_cannot_be_mapped(void)
{
    struct granted g;
    struct mapped m;
    uint32_t never = 4000;  /* beyond anything gntalloc handed out here */
    int rc = grant_pages(&g, 1, NOBODY, 1);

    check(rc == 0, "gntalloc grants a page to another domain", "error %d", rc);
    if (rc == 0) {
        rc = map_refs(&m, g.op->gref_ids, 1, SELF, PROT_READ);
        check(rc != 0, "a grant to another domain cannot be mapped", "mmap succeeded");
        unmap_refs(&m);
        ungrant_pages(&g);
    }
    rc = map_refs(&m, &never, 1, SELF, PROT_READ);
    check(rc != 0, "a reference never granted cannot be mapped", "mmap succeeded");
    unmap_refs(&m);
}

static void grant_copy(void)
{
    struct granted rw, ro;
    unsigned char local[256];
    struct gntdev_grant_copy_segment seg[2];
    struct ioctl_gntdev_grant_copy op = { .count = 1, .segments = seg };
    int rc = grant_pages(&rw, 1, SELF, 1);

    if (rc == 0)
        rc = grant_pages(&ro, 1, SELF, 0);
    check(rc == 0, "grants for copying", "error %d", rc);
    if (rc)
        return;
    for (unsigned i = 0; i < 256; i++)
        rw.view[1000 + i] = (unsigned char)(255 - i);
    memset(seg, 0, sizeof(seg));
    seg[0].source.foreign.ref = rw.op->gref_ids[0];
    seg[0].source.foreign.domid = SELF;
    seg[0].source.foreign.offset = 1000;
    seg[0].dest.virt = local;
    seg[0].len = sizeof(local);
    seg[0].flags = GNTCOPY_SOURCE_GREF;
    rc = ioctl(dev_fd, IOCTL_GNTDEV_GRANT_COPY, &op) ? -errno : 0;
    check(rc == 0 && seg[0].status == GNTST_OKAY, "grant copy from a grant", "rc %d status %d",
          rc, seg[0].status);
    check(memcmp(local, rw.view + 1000, sizeof(local)) == 0, "copies the bytes",
          "contents differ");
    /* Into a read-only grant: the hypervisor refuses that one op. */
    memset(&seg[1], 0, sizeof(seg[1]));
    seg[1].source.virt = local;
    seg[1].dest.foreign.ref = ro.op->gref_ids[0];
    seg[1].dest.foreign.domid = SELF;
    seg[1].len = 16;
    seg[1].flags = GNTCOPY_DEST_GREF;
    op.count = 2;
    rc = ioctl(dev_fd, IOCTL_GNTDEV_GRANT_COPY, &op) ? -errno : 0;
    check(rc == 0 && seg[0].status == GNTST_OKAY && seg[1].status < 0,
          "grant copy into a read-only grant is refused, per segment",
          "rc %d statuses %d %d", rc, seg[0].status, seg[1].status);
    ungrant_pages(&ro);
    ungrant_pages(&rw);
}

static void granter_ends_access_while_mapped(void)
{
    struct granted g;
    struct mapped m;
    int rc = grant_pages(&g, 1, SELF, 1);

    if (rc == 0) {
        memset(g.view, 0x3c, PAGE);
        rc = map_refs(&m, g.op->gref_ids, 1, SELF, PROT_READ | PROT_WRITE);
    }
    check(rc == 0, "a grant mapped before its granter lets go", "error %d", rc);
    if (rc)
        return;
    /* gntalloc ends foreign access; the page is in use, so it is kept. */
    ungrant_pages(&g);
    check(m.view[100] == 0x3c, "the mapping still works after the granter let go",
          "read %#x", m.view[100]);
    m.view[101] = 0x4d;
    check(m.view[101] == 0x4d, "and is still writable", "read %#x", m.view[101]);
    rc = unmap_refs(&m);
    check(rc == 0, "and unmaps cleanly afterwards", "error %d", rc);
}

static void many_pages(void)
{
    struct granted g;
    struct mapped m;
    int rc = grant_pages(&g, MANY, SELF, 1);
    unsigned bad = 0;

    check(rc == 0, "gntalloc grants " "64 pages", "error %d", rc);
    if (rc)
        return;
    for (unsigned i = 0; i < MANY; i++)
        g.view[i * PAGE] = (unsigned char)i;
    rc = map_refs(&m, g.op->gref_ids, MANY, SELF, PROT_READ | PROT_WRITE);
    check(rc == 0, "gntdev maps all 64 in one go", "error %d", rc);
    for (unsigned i = 0; rc == 0 && i < MANY; i++)
        bad += m.view[i * PAGE] != (unsigned char)i;
    check(rc == 0 && bad == 0, "each shows its own page", "%u pages wrong", bad);
    unmap_refs(&m);
    ungrant_pages(&g);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    alloc_fd = open("/dev/xen/gntalloc", O_RDWR);
    dev_fd = open("/dev/xen/gntdev", O_RDWR);
    check(alloc_fd >= 0 && dev_fd >= 0, "open /dev/xen/gntalloc and /dev/xen/gntdev",
          "%s", strerror(errno));
    if (alloc_fd < 0 || dev_fd < 0) {
        printf("GNT-SELFTEST: FAIL (%d failed)\n", failures);
        return 1;
    }
    map_read_and_write();
    read_only_grant();
    refs_that_cannot_be_mapped();
    grant_copy();
    granter_ends_access_while_mapped();
    many_pages();
    if (failures)
        printf("GNT-SELFTEST: FAIL (%d failed)\n", failures);
    else
        printf("GNT-SELFTEST: PASS\n");
    return failures != 0;
}
