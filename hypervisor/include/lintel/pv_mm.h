/*
 * The PV memory manager's interface (arch/x86_64/pv/mm*.c and common/memory.c
 * own it; the rules are issue 5's): a frame is a page table of one level, a
 * descriptor table, or writable, never two at once; guest tables reference
 * only frames the guest owns (or is granted); the hypervisor's L4 slots
 * 256-271 are installed by the hypervisor in every guest L4 and are never
 * guest-writable; the machine-to-phys table is mapped read-only for guests.
 */
#ifndef LINTEL_PV_MM_H
#define LINTEL_PV_MM_H

#include <lintel/domain.h>

/* Global set-up at boot: the M2P table (RW for ring 0, RO for guests).
 * Call it while the hypervisor's own page tables are live (it records them
 * as the source of the hypervisor's L4 slots); it runs at most once, and
 * the first domain_alloc_page calls it too. */
void pv_mm_init(void);
void m2p_set(mfn_t mfn, uint64_t pfn);
uint64_t m2p_get(mfn_t mfn);                /* ~0 for unknown frames */
uint64_t m2p_nr_entries(void);
/* The hypervisor's own L4 (physical), for CR3 when no guest root may stay. */
paddr_t pv_hypervisor_root(void);

/* Domain memory: allocation charged to d (respecting max_pages) and release
 * of everything a dying domain owns. */
mfn_t domain_alloc_page(struct domain *d);          /* INVALID_MFN when refused */
int domain_free_page(struct domain *d, mfn_t mfn);  /* -EBUSY while referenced */
/* decrease_reservation: drops the allocation reference even while mapped;
 * the frame is freed (and leaves tot_pages) when its last reference goes. */
int domain_give_back_page(struct domain *d, mfn_t mfn);
/* XENMEM_exchange: machine-contiguous frames (below 2^address_bits unless
 * 0), and whether a frame is referenced by nothing but its allocation. */
#define PT_MAX_CONTIGUOUS_ORDER 9
/* The largest extent a reservation call may ask for: Xen's limits for a
 * domU (9, a 2 MiB superpage) and for the control/hardware domain (12). */
#define PV_MAX_EXTENT_ORDER     12
#define PV_DOMU_MAX_EXTENT_ORDER 9
mfn_t domain_alloc_contiguous(struct domain *d, unsigned order, unsigned address_bits,
                              bool within_limit);
bool domain_page_is_unused(struct domain *d, mfn_t mfn);

/*
 * XENMEM_claim_pages (Xen 4.17's rules): a claim sets aside free frames
 * for d's later allocations, up to `pages` in total (its current frames
 * count towards it); 0 cancels it. -EINVAL while d has a claim already, or
 * for a total not above tot_pages or above max_pages; -ENOMEM when the
 * unclaimed free frames are too few. Each allocation for d uses up its
 * claim first; other domains' allocations may not eat into claimed frames.
 * Destruction cancels what is left.
 */
int domain_claim_pages(struct domain *d, uint64_t pages);
/* Frames claimed and not yet allocated, all domains together (physinfo). */
uint64_t pv_outstanding_claims(void);
void domain_release_memory(struct domain *d);

/*
 * A domain's pseudo-physical memory map (XENMEM_set_memory_map /
 * memory_map): E820 entries of 20 bytes, at most Xen's 1024. An empty map
 * removes it; get copies at most *nr entries to the guest buffer and sets
 * *nr, or answers -ENOSYS when the domain has none (-EFAULT on a bad
 * buffer). domain_release_memory drops it.
 */
#define PV_E820_ENTRY_SIZE  20
#define PV_E820_MAX_ENTRIES 1024
int domain_memory_map_set(struct domain *d, const void *entries, unsigned nr);
int domain_memory_map_get(struct domain *d, uint64_t guest_buf, unsigned *nr);
void domain_memory_map_drop(struct domain *d);

/* The machine frame holding the M2P's first entry (its frames are
 * contiguous): XENMEM_machphys_mfn_list. */
mfn_t m2p_first_mfn(void);
/* Whether mfn holds part of the M2P: the only hypervisor frames a
 * privileged guest may map (read-only, with DOMID_XEN as page owner, as
 * libxc's xc_map_m2p does after XENMEM_machphys_mfn_list). */
bool m2p_is_m2p_frame(mfn_t mfn);

/* Reference counting and typing (what the hypercalls and the builder use). */
bool get_page(mfn_t mfn, struct domain *d);         /* false: not d's frame */
void put_page(mfn_t mfn);
int get_page_type(mfn_t mfn, struct domain *d, unsigned type);  /* validates */
void put_page_type(mfn_t mfn);

/* Pins the L4 (validating the whole tree) and makes it v's kernel or user
 * root; the builder uses these for dom0's bootstrap tables too. */
int pv_pin_table(struct domain *d, mfn_t mfn, unsigned level);
int pv_unpin_table(struct domain *d, mfn_t mfn);
int pv_set_root(struct vcpu *v, mfn_t l4_mfn, bool user);
/* The domain a memory hypercall's domid names: DOMID_SELF or the caller's
 * id, or any existing domain for a privileged caller; NULL with *err
 * (-EPERM, -ESRCH) otherwise. */
struct domain *pv_mm_target_domain(uint16_t domid, int *err);

/* An emulated guest store of the 8-byte entry at maddr (ptwr): validated
 * like mmu_update, for L1 tables only; -EINVAL for anything else. */
int pv_mm_pt_write(struct domain *d, uint64_t maddr, uint64_t val);
/* Whether maddr lies in one of d's validated L1 tables: only those are
 * emulated, every other read-only page keeps its #PF, even for a store
 * that would leave memory unchanged (Linux's p2m code relies on that fault
 * to learn that a shared p2m page must be replaced). */
bool pv_mm_is_guest_l1(struct domain *d, uint64_t maddr);

/* Writes the hypervisor's reserved L4 slots into a guest L4 (at validation). */
void pv_install_hv_slots(uint64_t *l4);

#endif
