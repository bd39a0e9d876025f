/*
 * Ring-0 memory management glue: the frame table over the firmware memory
 * map, the frame allocator on top of it, and xmalloc on top of that.
 */
#ifndef LINTEL_MM_H
#define LINTEL_MM_H

#include <lintel/bootinfo.h>
#include <lintel/frame.h>

extern struct frame_allocator frame_allocator;

/* Sets up the frame table and hands free RAM to the frame allocator. */
void mm_init(const struct boot_info *bi);
void heap_setup(void);

/* Frames for the hypervisor's own use, returned as direct-map pointers. */
void *alloc_xen_pages(unsigned order);
void free_xen_pages(void *va, unsigned order);

void *xmalloc(size_t size);
void *xzalloc(size_t size);
void xfree(void *p);

struct page_info *mfn_to_page(uint64_t mfn);
uint64_t max_ram_frame(void);
void mm_print_footprint(void);

#endif
