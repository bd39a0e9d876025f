/*
 * libxenctl: the toolstack's access to the hypervisor from dom0 userspace,
 * through Linux's /dev/xen/privcmd. Works the same on Xen 4.17 and Lintel
 * since both speak domctl/sysctl interface version 0x15.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; hypervisor errors come back as the hypervisor's errno.
 */
#ifndef LINTEL_XENCTL_H
#define LINTEL_XENCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/domctl.h"
#include "public/sysctl.h"

#define XENCTL_PRIVCMD_PATH   "/dev/xen/privcmd"
#define XENCTL_HYPERCALL_PATH "/dev/xen/hypercall"
#define XENCTL_PAGE_SIZE      4096UL

struct xenctl {
    int privcmd_fd;
    int hypercall_fd;       /* -1 when the kernel lacks /dev/xen/hypercall */
};

/*
 * Memory the hypervisor may read and write during a hypercall: it must
 * stay resident and must not move while the call runs, so it comes from
 * /dev/xen/hypercall (or, failing that, locked anonymous memory).
 */
struct hcall_buffer {
    void *addr;
    size_t size;            /* whole pages */
};

/* Opens the devices; on failure *WHY is a hint to append to strerror(). */
int xenctl_open(struct xenctl *ctl, const char **why);
void xenctl_close(struct xenctl *ctl);

int hcall_buffer_alloc(struct xenctl *ctl, size_t size, struct hcall_buffer *buf);
void hcall_buffer_free(struct hcall_buffer *buf);

/* One hypercall with up to five arguments; result or -errno. */
long xenctl_hypercall(struct xenctl *ctl, unsigned op, uint64_t a0, uint64_t a1,
                      uint64_t a2, uint64_t a3, uint64_t a4);

/* Bounces OP through a hypercall buffer; fills in interface_version. */
int xenctl_domctl(struct xenctl *ctl, struct xen_domctl *op);
int xenctl_sysctl(struct xenctl *ctl, struct xen_sysctl *op);

/* domctl wrappers */
int xenctl_domain_getinfo(struct xenctl *ctl, uint32_t domid,
                          struct xen_domctl_getdomaininfo *info);
int xenctl_domain_pause(struct xenctl *ctl, uint32_t domid);
int xenctl_domain_unpause(struct xenctl *ctl, uint32_t domid);
int xenctl_domain_destroy(struct xenctl *ctl, uint32_t domid);
int xenctl_domain_max_mem(struct xenctl *ctl, uint32_t domid, uint64_t max_kib);

/* A PV domain with no memory and no vCPU started yet, paused; *DOMID out. */
int xenctl_domain_create(struct xenctl *ctl, const uint8_t uuid[16], uint32_t max_vcpus,
                         uint32_t *domid);
int xenctl_domain_set_time_offset(struct xenctl *ctl, uint32_t domid, int64_t seconds);
int xenctl_domain_set_address_size(struct xenctl *ctl, uint32_t domid, uint32_t bits);

/* vCPUs */
int xenctl_domain_max_vcpus(struct xenctl *ctl, uint32_t domid, uint32_t max);
int xenctl_vcpu_getinfo(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                        struct xen_domctl_getvcpuinfo *info);
/* Hard affinity as a bitmap of NR_BITS CPUs (bit N of byte N/8). */
int xenctl_vcpu_get_affinity(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                             uint8_t *map, uint32_t nr_bits);
int xenctl_vcpu_set_affinity(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                             uint8_t *map, uint32_t nr_bits);
int xenctl_vcpu_get_context(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                            vcpu_guest_context_t *ctxt);
int xenctl_vcpu_set_context(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                            vcpu_guest_context_t *ctxt);

/* Credit scheduler (fails with EINVAL when another scheduler runs the domain) */
int xenctl_sched_credit_get(struct xenctl *ctl, uint32_t domid,
                            struct xen_domctl_sched_credit *params);
int xenctl_sched_credit_set(struct xenctl *ctl, uint32_t domid,
                            const struct xen_domctl_sched_credit *params);

/* Guest memory, for the domain builder */
/* Backs FRAMES[0..N) (pfns in) with new machine frames (mfns out). */
int xenctl_populate_physmap(struct xenctl *ctl, uint32_t domid, xen_pfn_t *frames,
                            size_t n);
/* Maps N machine frames of DOMID read-write; NULL with *RC set on failure. */
void *xenctl_map_foreign(struct xenctl *ctl, uint32_t domid, const xen_pfn_t *mfns,
                         size_t n, int *rc);
/* Maps frames [FRAME, FRAME + N) of DOMID's resource TYPE/ID read-write
 * (XENMEM_acquire_resource through privcmd); NULL with *RC set on failure,
 * -EOPNOTSUPP where the hypervisor does not offer the resource. Unmapped
 * with xenctl_unmap_foreign. */
void *xenctl_map_resource(struct xenctl *ctl, uint32_t domid, unsigned type, unsigned id,
                          unsigned frame, size_t n, int *rc);
void xenctl_unmap_foreign(void *addr, size_t n);
int xenctl_evtchn_alloc_unbound(struct xenctl *ctl, uint32_t domid, uint32_t remote,
                                uint32_t *port);
/* Validates and pins DOMID's top-level page table. */
int xenctl_pin_l4(struct xenctl *ctl, uint32_t domid, xen_pfn_t mfn);
int xenctl_hypercall_init(struct xenctl *ctl, uint32_t domid, xen_pfn_t mfn);
/* The machine frame of DOMID's first grant-table frame (GNTTABOP_setup_table). */
int xenctl_grant_frame0(struct xenctl *ctl, uint32_t domid, xen_pfn_t *mfn);
/* XENMEM_set_memory_map: NR E820 entries of ENTRY_SIZE bytes each. */
int xenctl_set_memory_map(struct xenctl *ctl, uint32_t domid, const void *entries,
                          unsigned nr, size_t entry_size);

/* Event channels bound into this process through /dev/xen/evtchn (fd or -errno) */
int evtchn_open(void);
int evtchn_bind_interdomain(int fd, uint32_t domid, uint32_t remote_port);
int evtchn_notify(int fd, uint32_t port);
int evtchn_ack(int fd);
int evtchn_unbind(int fd, uint32_t port);
/*
 * Many ports bound to one fd: up to MAX pending ports read without
 * blocking (on an O_NONBLOCK fd); each stays masked until evtchn_unmask.
 */
int evtchn_read_pending(int fd, uint32_t *ports, size_t max);
int evtchn_unmask(int fd, uint32_t port);

/* Grant mappings through /dev/xen/gntdev (fd or -errno) */
int gntdev_open(void);
/* Maps grant REF of DOMID read-write; NULL with *RC set on failure. */
void *gntdev_map_page(int fd, uint32_t domid, uint32_t ref, uint64_t *index, int *rc);
void gntdev_unmap_page(int fd, void *addr, uint64_t index);

/* sysctl wrappers */
int xenctl_physinfo(struct xenctl *ctl, struct xen_sysctl_physinfo *info);
int xenctl_sched_id(struct xenctl *ctl, uint32_t *sched_id);
/*
 * Fills up to MAX entries for domains with id >= FIRST; returns how many.
 */
int xenctl_domain_list(struct xenctl *ctl, uint32_t first,
                       struct xen_domctl_getdomaininfo *infos, uint32_t max);
/*
 * Reads the whole hypervisor console ring, calling SINK for each chunk;
 * CLEAR empties the ring afterwards.
 */
int xenctl_read_console(struct xenctl *ctl, bool clear,
                        void (*sink)(void *ctx, const char *text, size_t len),
                        void *ctx);

/* xen_version: "4.17" style version, extra version, capabilities, cmdline. */
int xenctl_version(struct xenctl *ctl, unsigned *major, unsigned *minor);
int xenctl_version_string(struct xenctl *ctl, int cmd, char *out, size_t out_len);

#endif
