/*
 * Guest LDTs (MMUEXT_SET_LDT). The CPU never sees the guest's own pages:
 * each vCPU gets a validated copy (the shadow) that the LDT descriptor in
 * the live GDT points at, so a descriptor the guest may not have can never
 * be loaded. The guest's pages are typed as descriptor pages while they
 * back the LDT, which keeps every writable mapping of them away; changes
 * go through update_descriptor, which refreshes the copy.
 *
 * Xen maps LDT pages lazily, on the first access that needs them. We type
 * them when the LDT is set, and a page that cannot be typed then (still
 * writable, or holding a bad descriptor) reads as empty entries: the fault
 * an access to them takes retries the page, and if it still fails the
 * guest gets the #PF Xen would give it (at the LDT's linear address).
 */
#include <lintel/domain.h>
#include <lintel/frame.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <lintel/traps.h>
#include <public/xen.h>

#define DESC_PER_PAGE   (PAGE_SIZE / 8)
#define SYS_DESC_LDT    0x2ULL          /* system descriptor type: LDT */
#define DESC_PRESENT    (1ULL << 47)

static unsigned ldt_pages(unsigned entries)
{
    return (entries + DESC_PER_PAGE - 1) / DESC_PER_PAGE;
}

static void release_page(struct vcpu *v, unsigned i)
{
    if (!v->pv.ldt_frames[i])
        return;
    put_page_type(v->pv.ldt_frames[i]);
    put_page(v->pv.ldt_frames[i]);
    v->pv.ldt_frames[i] = 0;
}

static void release_all(struct vcpu *v)
{
    for (unsigned i = 0; i < ldt_pages(v->pv.ldt_loaded_entries); i++)
        release_page(v, i);
}

/* Copies page i of the guest's LDT into the shadow, checked descriptor by descriptor. */
static void copy_page(struct vcpu *v, unsigned i)
{
    const uint64_t *src = phys_to_virt(v->pv.ldt_frames[i] << PAGE_SHIFT);
    unsigned first = i * DESC_PER_PAGE;
    unsigned n = MIN(v->pv.ldt_loaded_entries - first, DESC_PER_PAGE);

    for (unsigned j = 0; j < n; j++) {
        uint64_t d = src[j];

        v->pv.ldt_shadow[first + j] = pv_descriptor_fixup(&d) ? d : 0;
    }
}

/* Types page i of the guest's LDT as a descriptor page; false if it cannot be. */
static bool take_page(struct vcpu *v, unsigned i)
{
    struct domain *d = v->domain;
    uint64_t maddr = pv_guest_va_to_maddr(v, v->pv.ldt_loaded_base + i * PAGE_SIZE, true);
    mfn_t mfn = maddr >> PAGE_SHIFT;

    if (!maddr || !get_page(mfn, d))
        return false;
    if (get_page_type(mfn, d, FRAME_TYPE_SEG_DESC)) {
        put_page(mfn);
        return false;
    }
    if (!pv_frame_descriptors_fixup(mfn)) {
        put_page_type(mfn);
        put_page(mfn);
        return false;
    }
    v->pv.ldt_frames[i] = mfn;
    copy_page(v, i);
    return true;
}

/* Follows a changed SET_LDT: drops the old pages, takes the new ones. */
static void reload(struct vcpu *v)
{
    unsigned entries = v->pv.ldt_entries;

    release_all(v);
    v->pv.ldt_loaded_base = v->pv.ldt_base;
    v->pv.ldt_loaded_entries = 0;
    if (!entries)
        return;
    if (!v->pv.ldt_shadow) {
        v->pv.ldt_shadow = xmalloc(PV_LDT_MAX_ENTRIES * 8);
        if (!v->pv.ldt_shadow)
            return;             /* an empty LDT: every LDT selector faults */
    }
    memset(v->pv.ldt_shadow, 0, entries * 8);
    v->pv.ldt_loaded_entries = entries;
    for (unsigned i = 0; i < ldt_pages(entries); i++)
        take_page(v, i);
}

static void install(struct vcpu *v)
{
    uint64_t *gdt = pv_live_gdt();
    uint64_t base = (uint64_t)(uintptr_t)v->pv.ldt_shadow;
    uint64_t limit = v->pv.ldt_loaded_entries * 8 - 1;

    if (!v->pv.ldt_loaded_entries) {
        __asm__ volatile("lldt %w0" : : "r"(0));
        return;
    }
    gdt[PV_LDT_SELECTOR >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                                (SYS_DESC_LDT << 40) | DESC_PRESENT |
                                (((limit >> 16) & 0xf) << 48) |
                                (((base >> 24) & 0xff) << 56);
    gdt[(PV_LDT_SELECTOR >> 3) + 1] = base >> 32;
    __asm__ volatile("lldt %w0" : : "r"(PV_LDT_SELECTOR));
}

void pv_ldt_load(struct vcpu *v)
{
    if (v->pv.ldt_base != v->pv.ldt_loaded_base ||
        v->pv.ldt_entries != v->pv.ldt_loaded_entries)
        reload(v);
    if (v == current_vcpu())
        install(v);
}

void pv_ldt_release(struct vcpu *v)
{
    release_all(v);
    v->pv.ldt_loaded_entries = 0;
    v->pv.ldt_loaded_base = 0;
    xfree(v->pv.ldt_shadow);
    v->pv.ldt_shadow = NULL;
}

const uint64_t *pv_ldt_descriptor(const struct vcpu *v, unsigned index)
{
    if (index >= v->pv.ldt_loaded_entries)
        return NULL;
    return &v->pv.ldt_shadow[index];
}

void pv_ldt_frame_changed(struct domain *d, mfn_t mfn)
{
    for (unsigned id = 0; id < d->max_vcpus; id++) {
        struct vcpu *v = d->vcpus[id];

        if (!v)
            continue;
        for (unsigned i = 0; i < ldt_pages(v->pv.ldt_loaded_entries); i++)
            if (v->pv.ldt_frames[i] == mfn)
                copy_page(v, i);
    }
}

bool pv_ldt_fault(struct cpu_regs *regs, uint64_t error_code)
{
    struct vcpu *v = current_vcpu();
    unsigned index = (unsigned)(error_code >> 3) & 0x1fff;
    unsigned page = index / DESC_PER_PAGE;

    /* Only a selector (TI = LDT) whose page we could not take is ours. */
    if (!(error_code & 4) || (error_code & 3) || index >= v->pv.ldt_loaded_entries ||
        v->pv.ldt_frames[page])
        return false;
    if (take_page(v, page))
        return true;            /* the instruction runs again and finds it */
    v->pv.cr2 = v->pv.ldt_loaded_base + index * 8;
    if (v->pv.vcpu_info)
        ((struct vcpu_info *)v->pv.vcpu_info)->arch.cr2 = v->pv.cr2;
    if (!pv_inject_trap(regs, 14, true, 0))
        domain_crash(v->domain, "unusable LDT page and no #PF handler");
    return true;
}
