/*
 * The pure rules behind building a domain through domctl: which
 * createdomain requests Xen 4.17 accepts on a PV-only host, the grant
 * limits a request asks for, which domid a new domain gets, and what a
 * vCPU affinity map means on this host. No hypervisor state here, so the
 * host unit tests (tests/test_control_create.c) exercise every rule.
 */
#ifndef LINTEL_DOMCTL_RULES_H
#define LINTEL_DOMCTL_RULES_H

#include <lintel/types.h>
#include <public/domctl.h>

/* The most grant versions Lintel speaks (v1 and v2), as Xen's default. */
#define DOMCTL_MAX_GRANT_VERSION 2

/*
 * 0, or the negative Xen errno Xen 4.17 gives for the request: unknown
 * flags or options, HVM/HAP/IOMMU/vPMU/nested/s3/vmtrace on a host that
 * has none, no vCPUs or more than max_vcpus_limit, a cpupool other than 0
 * (-ESRCH), emulation other than none or the PIT (-EOPNOTSUPP), grant
 * version 0 or above DOMCTL_MAX_GRANT_VERSION.
 */
int createdomain_check(const struct xen_domctl_createdomain *c, unsigned max_vcpus_limit);

/*
 * The grant limits a checked request asks for: negative means the
 * defaults; fewer than one grant frame, or more than the table can hold,
 * is -EINVAL (Xen takes any size up from one since its limits became
 * per-domain; Lintel's tables have a fixed ceiling).
 */
#define DOMCTL_GRANT_FRAMES_CEILING    4096
#define DOMCTL_MAPTRACK_FRAMES_CEILING 65536
int createdomain_grant_limits(const struct xen_domctl_createdomain *c,
                              unsigned default_frames, unsigned default_maptrack,
                              unsigned *frames, unsigned *maptrack);

/*
 * Xen's choice of id: a requested id in 1..DOMID_FIRST_RESERVED-1 is taken
 * if free (-EEXIST if not); 0 or a reserved id means the first free id
 * after *rover, wrapping past the reserved range to 1 (so a destroyed
 * domain's id is not handed out again at once), -ENOMEM when none is
 * free. *rover moves only for chosen ids.
 */
int domid_choose(uint16_t requested, uint16_t *rover,
                 bool (*is_free)(uint16_t id, void *ctx), void *ctx, uint16_t *out);

/*
 * A toolstack CPU map (nr_bits long, bit n of byte n/8 = CPU n) as a mask
 * of the first 64 CPUs; bytes holds at least min(nr_bits, 64) bits.
 */
#define CPUMAP_MASK_BYTES 8
uint64_t cpumap_to_mask(const uint8_t *bytes, uint32_t nr_bits);

#endif
