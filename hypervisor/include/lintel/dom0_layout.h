/*
 * Where the dom0 builder puts things in dom0's virtual address space, the
 * way Xen lays out a PV domain: from VIRT_BASE, the kernel image, the
 * initrd, the p2m list, start_info, the bootstrap page tables and one page
 * of boot stack, the whole mapped up to v_end (4 MiB aligned, at least
 * 512 KiB past the stack). Guest pfn N is virtual address v_start + N * 4K
 * everywhere inside that range.
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
};

struct dom0_layout {
    uint64_t v_start;
    uint64_t kernel_start, kernel_end;
    uint64_t initrd_start, initrd_end;      /* equal when there is none */
    uint64_t p2m_start, p2m_end;
    uint64_t start_info;
    uint64_t pt_start;
    uint64_t nr_pt_pages;
    uint64_t stack_start;
    uint64_t v_end;
    unsigned tables[4];         /* [0] L1s ... [3] L4s needed for [v_start, v_end) */
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

#endif
