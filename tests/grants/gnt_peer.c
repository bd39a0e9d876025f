/*
 * gnt-peer: dom0's side of the two-domain grant tests, with Linux's gntdev
 * mapping and copying the grants of a gnttab_peer granter domU (the refs,
 * mailbox and page contents are in tests/kernels/gnttab_peer.h).
 *
 *   gnt-peer maps DOMID          map the granter's grants to dom0, every
 *                                refusal, grant copy, and the granter's
 *                                failed end of access while mapped
 *   gnt-peer tell DOMID MAPPER   hand the granter its mapper's domid
 *   gnt-peer hold DOMID FILE     map LAST, make the granter end access and
 *                                power off, keep the mapping until FILE
 *                                exists, then check it still works
 *
 * Prints "ok <what>" or "FAIL <what>: <why>" per check, then
 * "GNT-PEER: PASS" or "GNT-PEER: FAIL (<n> failed)"; hold prints
 * "GNT-PEER: holding" once the granter answered.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The uapi header uses the hypervisor ABI's names without defining them. */
typedef uint32_t grant_ref_t;
typedef uint16_t domid_t;

#include <xen/gntdev.h>

#include "gnttab_peer.h"

#define PAGE 4096
#define GNTCOPY_SOURCE_GREF 1
#define GNTCOPY_DEST_GREF   2
#define GNTST_OKAY          0
/* How long the granter may take to answer (it polls every 10 ms, but it
 * runs under emulation on a loaded host). */
#define ANSWER_SECONDS      120
#define HOLD_SECONDS        600

static int failures;
static int dev_fd;

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

static int verdict(void)
{
    if (failures)
        printf("GNT-PEER: FAIL (%d failed)\n", failures);
    else
        printf("GNT-PEER: PASS\n");
    return failures != 0;
}

/* One grant of domid mapped here through gntdev. */
struct mapped {
    struct ioctl_gntdev_map_grant_ref op;
    unsigned char *view;
};

static int map_ref(struct mapped *m, uint32_t domid, uint32_t ref, int prot)
{
    memset(m, 0, sizeof(*m));
    m->op.count = 1;
    m->op.refs[0].domid = domid;
    m->op.refs[0].ref = ref;
    m->view = MAP_FAILED;
    if (ioctl(dev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m->op))
        return -errno;
    /* gntdev maps the grant when the range is mapped. */
    m->view = mmap(NULL, PAGE, prot, MAP_SHARED, dev_fd, m->op.index);
    return m->view == MAP_FAILED ? -errno : 0;
}

static int unmap_ref(struct mapped *m)
{
    struct ioctl_gntdev_unmap_grant_ref op = { .index = m->op.index, .count = 1 };

    if (m->view != MAP_FAILED)
        munmap(m->view, PAGE);
    m->view = MAP_FAILED;
    return ioctl(dev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &op) ? -errno : 0;
}

static unsigned pattern_mismatches(const unsigned char *page, uint32_t ref, unsigned from)
{
    unsigned bad = 0;

    for (unsigned i = from; i < PAGE; i++)
        bad += page[i] != peer_pattern(ref, i);
    return bad;
}

static sigjmp_buf fault_jump;

static void on_fault(int sig)
{
    siglongjmp(fault_jump, sig);
}

/* Whether a write to p faults (SIGSEGV or SIGBUS) instead of landing. */
static int write_faults(volatile unsigned char *p)
{
    struct sigaction sa = { .sa_handler = on_fault }, old_segv, old_bus;
    int faulted;

    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    if (sigsetjmp(fault_jump, 1) == 0) {
        *p = 0x11;
        faulted = 0;
    } else {
        faulted = 1;
    }
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    return faulted;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sends a command through a mapping of the mailbox; the granter's answer,
 * or -1000 if it did not answer in time. */
static int command(struct peer_mailbox *mb, enum peer_command cmd, uint32_t arg)
{
    uint32_t seq = mb->seq + 1;
    double end = now() + ANSWER_SECONDS;

    mb->command = cmd;
    mb->arg = arg;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    mb->seq = seq;
    while (mb->done_seq != seq) {
        if (now() > end)
            return -1000;
        usleep(10000);
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return mb->answer;
}

/* Maps the granter's mailbox and checks it is ready. */
static int map_mailbox(struct mapped *m, uint32_t granter)
{
    int rc = map_ref(m, granter, PEER_REF_MAILBOX, PROT_READ | PROT_WRITE);

    check(rc == 0, "gntdev maps the granter's mailbox grant read-write", "error %d", rc);
    if (rc)
        return rc;
    check(((struct peer_mailbox *)m->view)->magic == PEER_MAGIC, "the granter is ready",
          "magic %#x", ((struct peer_mailbox *)m->view)->magic);
    return 0;
}

static void refused(uint32_t granter, uint32_t ref, int prot, const char *what)
{
    struct mapped m;
    int rc = map_ref(&m, granter, ref, prot);

    check(rc != 0, what, "it was mapped");
    unmap_ref(&m);
}

static void grant_copy(uint32_t granter)
{
    unsigned char local[256];
    struct gntdev_grant_copy_segment seg[2];
    struct ioctl_gntdev_grant_copy op = { .count = 1, .segments = seg };
    int rc;

    memset(seg, 0, sizeof(seg));
    seg[0].source.foreign.ref = PEER_REF_RO;
    seg[0].source.foreign.domid = granter;
    seg[0].source.foreign.offset = 1000;
    seg[0].dest.virt = local;
    seg[0].len = sizeof(local);
    seg[0].flags = GNTCOPY_SOURCE_GREF;
    rc = ioctl(dev_fd, IOCTL_GNTDEV_GRANT_COPY, &op) ? -errno : 0;
    check(rc == 0 && seg[0].status == GNTST_OKAY, "grant copy from the granter's read-only grant",
          "rc %d status %d", rc, seg[0].status);
    for (unsigned i = 0; i < sizeof(local); i++)
        if (local[i] != peer_pattern(PEER_REF_RO, 1000 + i)) {
            check(0, "copies the granter's bytes", "byte %u differs", i);
            break;
        }
    /* Into the read-only grant: that one op is refused. */
    seg[1] = (struct gntdev_grant_copy_segment){
        .source.virt = local, .dest.foreign = { .ref = PEER_REF_RO, .domid = granter },
        .len = 16, .flags = GNTCOPY_DEST_GREF,
    };
    op.count = 2;
    rc = ioctl(dev_fd, IOCTL_GNTDEV_GRANT_COPY, &op) ? -errno : 0;
    check(rc == 0 && seg[0].status == GNTST_OKAY && seg[1].status < 0,
          "grant copy into the granter's read-only grant is refused, per segment",
          "rc %d statuses %d %d", rc, seg[0].status, seg[1].status);
}

static int cmd_maps(uint32_t granter)
{
    struct mapped mb, ro;
    struct peer_mailbox *box;
    int rc, answer;

    if (map_mailbox(&mb, granter))
        return verdict();
    box = (struct peer_mailbox *)mb.view;
    check(pattern_mismatches(mb.view, PEER_REF_MAILBOX, PEER_PATTERN_OFFSET) == 0,
          "the writable mapping shows the granter's page", "contents differ");
    box->dom0_mark = PEER_DOM0_MARK;

    refused(granter, PEER_REF_RO, PROT_READ | PROT_WRITE,
            "a writable mapping of a read-only grant is refused");
    rc = map_ref(&ro, granter, PEER_REF_RO, PROT_READ);
    check(rc == 0, "gntdev maps the read-only grant read-only", "error %d", rc);
    if (rc == 0) {
        check(pattern_mismatches(ro.view, PEER_REF_RO, 0) == 0,
              "the read-only mapping shows the granter's page", "contents differ");
        /* (Linux's own protection; the mapper domU's test kernel checks
         * the hypervisor's read-only page-table entry directly.) */
        check(write_faults(ro.view + 5), "a write through the read-only mapping faults",
              "the write landed");
        check(ro.view[5] == peer_pattern(PEER_REF_RO, 5), "and changed nothing", "byte %#x",
              ro.view[5]);
    }
    refused(granter, PEER_REF_ELSEWHERE, PROT_READ, "a grant to another domain cannot be mapped");
    refused(granter, PEER_REF_NEVER, PROT_READ, "a reference never granted cannot be mapped");
    refused(granter, 100000, PROT_READ, "a reference beyond the table cannot be mapped");
    grant_copy(granter);

    /* Both mapped: the granter tries to end access to RO. */
    answer = command(box, PEER_CMD_TRY_END, 0);
    check(answer == 1, "the granter sees its grant still in use while mapped",
          "answer %d", answer);
    if (rc == 0)
        check(unmap_ref(&ro) == 0, "gntdev unmaps the read-only grant", "error %d", errno);
    check(unmap_ref(&mb) == 0, "gntdev unmaps the mailbox", "error %d", errno);
    return verdict();
}

static int cmd_tell(uint32_t granter, uint32_t mapper)
{
    struct mapped mb;
    int answer;

    if (map_mailbox(&mb, granter))
        return verdict();
    answer = command((struct peer_mailbox *)mb.view, PEER_CMD_GRANT_TO_MAPPER, mapper);
    check(answer == 0, "the granter takes its mapper's id", "answer %d", answer);
    check(unmap_ref(&mb) == 0, "gntdev unmaps the mailbox", "error %d", errno);
    return verdict();
}

static int cmd_hold(uint32_t granter, const char *release_file)
{
    struct mapped mb, last;
    struct stat st;
    double end;
    int rc, answer;

    rc = map_ref(&last, granter, PEER_REF_LAST, PROT_READ | PROT_WRITE);
    check(rc == 0, "gntdev maps the granter's last grant read-write", "error %d",
          rc);
    if (rc || map_mailbox(&mb, granter))
        return verdict();
    check(pattern_mismatches(last.view, PEER_REF_LAST, 0) == 0, "it shows the granter's page",
          "contents differ");
    answer = command((struct peer_mailbox *)mb.view, PEER_CMD_FINISH, 0);
    check(answer == 1, "the granter sees it still in use after ending access", "answer %d",
          answer);
    unmap_ref(&mb);
    printf("GNT-PEER: holding\n");
    fflush(stdout);
    end = now() + HOLD_SECONDS;
    while (stat(release_file, &st) != 0 && now() < end)
        usleep(100000);
    check(stat(release_file, &st) == 0, "told to let go", "not within %d s", HOLD_SECONDS);
    /* The granter is gone by now: its frame is still ours to use. */
    check(pattern_mismatches(last.view, PEER_REF_LAST, 0) == 0,
          "the frame still shows the dead granter's page", "contents differ");
    last.view[9] = 0x99;
    check(last.view[9] == 0x99, "and is still writable", "read %#x", last.view[9]);
    rc = unmap_ref(&last);
    check(rc == 0, "gntdev unmaps it", "error %d", rc);
    return verdict();
}

static void usage(void)
{
    fprintf(stderr, "usage: gnt-peer maps DOMID | tell DOMID MAPPER | hold DOMID FILE\n");
    exit(2);
}

static uint32_t domid_arg(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    if (*s == '\0' || *end || v == 0 || v >= 0x7ff0) {
        fprintf(stderr, "gnt-peer: '%s' is not a domU's id\n", s);
        exit(2);
    }
    return (uint32_t)v;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 3)
        usage();
    dev_fd = open("/dev/xen/gntdev", O_RDWR);
    if (dev_fd < 0) {
        check(0, "open /dev/xen/gntdev", "%s", strerror(errno));
        return verdict();
    }
    if (strcmp(argv[1], "maps") == 0 && argc == 3)
        return cmd_maps(domid_arg(argv[2]));
    if (strcmp(argv[1], "tell") == 0 && argc == 4)
        return cmd_tell(domid_arg(argv[2]), domid_arg(argv[3]));
    if (strcmp(argv[1], "hold") == 0 && argc == 4)
        return cmd_hold(domid_arg(argv[2]), argv[3]);
    usage();
    return 2;
}
