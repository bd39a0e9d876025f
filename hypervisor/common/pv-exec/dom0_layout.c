#include <lintel/dom0_layout.h>
#include <lintel/errno.h>
#include <lintel/layout.h>
#include <lintel/lib.h>

#define SIZE_4M        (4ULL << 20)
#define MIN_SLACK      (512ULL << 10)
/* start_info plus the dom0 console info Xen may put after it. */
#define START_INFO_PAGES 1

static uint64_t span(uint64_t start, uint64_t end, unsigned shift)
{
    return ((end - 1) >> shift) - (start >> shift) + 1;
}

void dom0_count_tables(uint64_t start, uint64_t end, unsigned tables[4])
{
    if (end <= start) {
        memset(tables, 0, 4 * sizeof(tables[0]));
        return;
    }
    tables[0] = (unsigned)span(start, end, 21);
    tables[1] = (unsigned)span(start, end, 30);
    tables[2] = (unsigned)span(start, end, 39);
    tables[3] = 1;
}

static uint64_t page_up(uint64_t x)
{
    return ALIGN_UP(x, PAGE_SIZE);
}

static int fail(char *err, size_t err_len, int rc, const char *why)
{
    lintel_strlcpy(err, why, err_len);
    return rc;
}

/* Tables of one level (entries covering 1 << shift bytes each) needed for
 * [b_lo, b_hi) that [a_lo, a_hi) does not already need. */
static uint64_t extra_tables(uint64_t a_lo, uint64_t a_hi, uint64_t b_lo, uint64_t b_hi,
                             unsigned shift)
{
    uint64_t a0 = a_lo >> shift, a1 = (a_hi - 1) >> shift;
    uint64_t b0 = b_lo >> shift, b1 = (b_hi - 1) >> shift;
    uint64_t lo = MAX(a0, b0), hi = MIN(a1, b1);

    return (b1 - b0 + 1) - (lo <= hi ? hi - lo + 1 : 0);
}

static bool canonical_and_guest(uint64_t start, uint64_t end)
{
    if (end <= start)
        return false;
    if (end <= (1ULL << 47))
        return true;
    return start >= HV_RESERVED_END;
}

/*
 * A p2m list at INIT_P2M gets its own frames (pfns after the mapped range
 * and an unmapped initrd) and the page tables that map only it.
 */
static int place_p2m_outside(const struct dom0_layout_request *req,
                             struct dom0_layout *l, char *err, size_t err_len)
{
    uint64_t lo = req->p2m_base, hi = page_up(l->p2m_end);

    if (lo & (PAGE_SIZE - 1))
        return fail(err, err_len, -EINVAL, "INIT_P2M is not page aligned");
    if (!canonical_and_guest(lo, hi))
        return fail(err, err_len, -EINVAL,
                    "INIT_P2M puts the p2m list outside the guest's address space");
    if (lo < l->v_end && l->v_start < hi)
        return fail(err, err_len, -EINVAL,
                    "INIT_P2M puts the p2m list inside the initial mapping");
    l->p2m_outside = true;
    l->p2m_first_pfn = l->mapped_pages;
    if (l->initrd_unmapped)
        l->p2m_first_pfn += page_up(req->initrd_len) >> PAGE_SHIFT;
    l->p2m_data_pages = (hi - lo) >> PAGE_SHIFT;
    l->p2m_nr_frames = l->p2m_data_pages;
    for (unsigned shift = 21; shift <= 39; shift += 9)
        l->p2m_nr_frames += extra_tables(l->v_start, l->v_end, lo, hi, shift);
    return 0;
}

int dom0_layout_compute(const struct dom0_layout_request *req, struct dom0_layout *out,
                        char *err, size_t err_len)
{
    struct dom0_layout l;
    uint64_t pages_needed, after_kernel;

    memset(&l, 0, sizeof(l));
    if (req->virt_base & (PAGE_SIZE - 1))
        return fail(err, err_len, -EINVAL, "VIRT_BASE is not page aligned");
    if (req->kernel_start < req->virt_base || req->kernel_end <= req->kernel_start)
        return fail(err, err_len, -EINVAL, "the kernel's segments start below VIRT_BASE");
    if (req->nr_pages == 0 || req->nr_pages > (1ULL << 40) ||
        req->initrd_len > (1ULL << 40) || req->kernel_end - req->virt_base > (1ULL << 40))
        return fail(err, err_len, -EINVAL, "sizes out of range");
    l.v_start = req->virt_base;
    l.kernel_start = req->kernel_start;
    l.kernel_end = req->kernel_end;
    l.initrd_unmapped = req->unmapped_initrd && req->initrd_len;
    l.initrd_start = page_up(l.kernel_end);
    l.initrd_end = l.initrd_start + (l.initrd_unmapped ? 0 : req->initrd_len);
    after_kernel = page_up(l.initrd_end);
    if (req->has_p2m_base) {
        l.p2m_start = req->p2m_base;
        l.p2m_end = req->p2m_base + req->nr_pages * 8;
        l.start_info = after_kernel;
    } else {
        l.p2m_start = after_kernel;
        l.p2m_end = l.p2m_start + req->nr_pages * 8;
        l.start_info = page_up(l.p2m_end);
    }
    l.pt_start = l.start_info + START_INFO_PAGES * PAGE_SIZE;
    if (l.pt_start < l.v_start)
        return fail(err, err_len, -EINVAL, "layout wraps around the address space");

    /* The tables must also map themselves: grow until the count is stable. */
    for (l.nr_pt_pages = 1;; l.nr_pt_pages++) {
        unsigned t[4];

        l.stack_start = l.pt_start + l.nr_pt_pages * PAGE_SIZE;
        l.v_end = ALIGN_UP(l.stack_start + PAGE_SIZE, SIZE_4M);
        if (l.v_end - (l.stack_start + PAGE_SIZE) < MIN_SLACK)
            l.v_end += SIZE_4M;
        if (l.v_end < l.v_start)
            return fail(err, err_len, -EINVAL, "layout wraps around the address space");
        dom0_count_tables(l.v_start, l.v_end, t);
        if ((uint64_t)t[0] + t[1] + t[2] + t[3] <= l.nr_pt_pages) {
            memcpy(l.tables, t, sizeof(t));
            break;
        }
    }
    l.mapped_pages = (l.v_end - l.v_start) >> PAGE_SHIFT;
    l.initrd_pfn = l.mapped_pages;
    if (req->has_p2m_base) {
        int rc = place_p2m_outside(req, &l, err, err_len);

        if (rc)
            return rc;
    }
    pages_needed = l.mapped_pages + l.p2m_nr_frames;
    if (l.initrd_unmapped)
        pages_needed += page_up(req->initrd_len) >> PAGE_SHIFT;
    if (pages_needed > req->nr_pages)
        return fail(err, err_len, -ENOMEM,
                    "dom0's memory is smaller than its kernel, initrd and boot data");
    *out = l;
    return 0;
}
