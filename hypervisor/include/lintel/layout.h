/*
 * Lintel's virtual address layout. It mirrors Xen's x86_64 layout because
 * 64-bit PV guest kernels are built against it: they own every L4 slot of
 * the upper half except 256-271, which is where all of this must live.
 *
 *   0xffff800000000000  read-only machine-to-phys table seen by PV guests
 *   0xffff82d040000000  hypervisor image (maps physical 0.., image at +2 MiB)
 *   0xffff830000000000  direct map of all RAM (and the MMIO below 4 GiB)
 *   0xffff880000000000  end of the hypervisor range; PV guests own the rest
 *
 * Also used from assembly, so only #defines here.
 */
#ifndef LINTEL_LAYOUT_H
#define LINTEL_LAYOUT_H

#define HV_RESERVED_START     0xffff800000000000
#define HV_RESERVED_END       0xffff880000000000
#define RO_MPT_VIRT_START     0xffff800000000000
#define RO_MPT_VIRT_END       0xffff804000000000
#define HV_IMAGE_VIRT_BASE    0xffff82d040000000
#define HV_IMAGE_PHYS_LOAD    0x200000
#define DIRECTMAP_VIRT_START  0xffff830000000000
#define DIRECTMAP_VIRT_END    0xffff880000000000

/* Each IST stack (in every CPU's stack block, percpu.h). */
#define IST_STACK_SIZE        0x2000

#ifndef __ASSEMBLER__
#include <lintel/types.h>

static inline void *phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + DIRECTMAP_VIRT_START);
}

/* Only valid for direct-map and image addresses. */
static inline paddr_t virt_to_phys(const void *va)
{
    uintptr_t v = (uintptr_t)va;

    if (v >= DIRECTMAP_VIRT_START)
        return v - DIRECTMAP_VIRT_START;
    return v - HV_IMAGE_VIRT_BASE;
}
#endif

#endif
