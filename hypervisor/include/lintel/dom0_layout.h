/*
 * Where the dom0 builder puts things in dom0's virtual address space, the
 * way Xen lays out a PV domain: from VIRT_BASE, the kernel image, the
 * initrd (unless the kernel takes it unmapped, by pfn), the p2m list
 * (unless the kernel's INIT_P2M note puts it elsewhere), start_info, the
 * bootstrap page tables and one page of boot stack, the whole mapped up to
 * v_end (4 MiB aligned, at least 512 KiB past the stack). Guest pfn N is
 * virtual address v_start + N * 4K everywhere inside that range.
 *
 * Past the mapped range's pfns come, in this order, the unmapped initrd's
 * pages and the frames of a p2m list placed at INIT_P2M (its data pages,
 * then the page tables that map only it), as on Xen: Linux finds the
 * latter by start_info's first_p2m_pfn and nr_p2m_frames.
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_DOM0_LAYOUT_H
#define LINTEL_DOM0_LAYOUT_H

#include <lintel/types.h>

struct dom0_layout_request {
    uint64_t virt_base;         /* XEN_ELFNOTE_VIRT_BASE */
    uint64_t kernel_start;      /* span of the ELF's loadable segments */
    uint64_t kernel_end;
    uint64_t nr_pages;          /* dom0's memory */
    uint64_t initrd_len;        /* bytes; 0: none */
    bool unmapped_initrd;       /* XEN_ELFNOTE_MOD_START_PFN */
    bool has_p2m_base;          /* XEN_ELFNOTE_INIT_P2M given */
    uint64_t p2m_base;
};

struct dom0_layout {
    uint64_t v_start;
    uint64_t kernel_start, kernel_end;
    uint64_t initrd_start, initrd_end;      /* equal when none or unmapped */
    uint64_t p2m_start, p2m_end;
    uint64_t start_info;
    uint64_t pt_start;
    uint64_t nr_pt_pages;
    uint64_t stack_start;
    uint64_t v_end;
    unsigned tables[4];         /* [0] L1s ... [3] L4s needed for [v_start, v_end) */
    uint64_t mapped_pages;      /* (v_end - v_start) / 4K: pfns 0.. */
    bool initrd_unmapped;
    uint64_t initrd_pfn;        /* first pfn of an unmapped initrd */
    bool p2m_outside;           /* at INIT_P2M, outside [v_start, v_end) */
    uint64_t p2m_first_pfn;     /* of the p2m frames when p2m_outside */
    uint64_t p2m_data_pages;
    uint64_t p2m_nr_frames;     /* data pages + the tables only they need */
};

/* Page tables per level to map [start, end): [0] = L1 ... [3] = L4. */
void dom0_count_tables(uint64_t start, uint64_t end, unsigned tables[4]);

/* 0, or -EINVAL/-ENOMEM with the reason in err. */
int dom0_layout_compute(const struct dom0_layout_request *req, struct dom0_layout *out,
                        char *err, size_t err_len);

/* The guest pfn that holds virtual address va (va inside the layout). */
static inline uint64_t dom0_layout_pfn(const struct dom0_layout *l, uint64_t va)
{
    return (va - l->v_start) >> PAGE_SHIFT;
}

/* The guest pfn holding byte off of the p2m list, wherever the list is. */
static inline uint64_t dom0_layout_p2m_pfn(const struct dom0_layout *l, uint64_t off)
{
    if (!l->p2m_outside)
        return dom0_layout_pfn(l, l->p2m_start + off);
    return l->p2m_first_pfn + (off >> PAGE_SHIFT);
}

#endif
