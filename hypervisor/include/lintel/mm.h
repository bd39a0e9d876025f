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

/*
 * Frames under the allocator lock, for any owner (domains' memory goes
 * through here): alloc_frames returns the first frame of an aligned
 * 2^order block or INVALID_MFN; free_frames returns 0 or the frame_free
 * error (-EALREADY double free, -EINVAL, -EBUSY still referenced).
 */
uint64_t alloc_frames(unsigned order, uint16_t owner, enum frame_type type);
int free_frames(uint64_t mfn, unsigned order);
/* Gives a consumed boot module's frames back to the allocator. */
int release_boot_module(const struct boot_module *m);

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
