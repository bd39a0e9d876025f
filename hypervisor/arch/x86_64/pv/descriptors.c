/*
 * Guest descriptor tables: set_gdt and update_descriptor. A PV guest owns
 * GDT entries below 0xe000; their descriptors are checked (code and data
 * forced to DPL 3, since the guest kernel runs in ring 3; of the system
 * descriptors only 64-bit call gates, and type 0 for a gate's upper half)
 * and copied into the live GDT when the vCPU runs. The LDT gets the same
 * checks (ldt.c). As on Xen, the checked form is also written back into
 * the guest's own descriptor page.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/frame.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>

#define GUEST_GDT_ENTRIES   (0xe000 / 8)
#define DESC_PRESENT        (1ULL << 47)
#define DESC_S              (1ULL << 44)      /* code/data, not system */
#define DESC_DPL_SHIFT      45
#define DESC_DPL_MASK       (3ULL << DESC_DPL_SHIFT)
#define DESC_CODE           (1ULL << 43)
#define DESC_DATA_WRITABLE  (1ULL << 41)
#define DESC_TYPE_SHIFT     40
#define DESC_TYPE_MASK      (0xfULL << DESC_TYPE_SHIFT)
#define SYS_TYPE_CALL_GATE  0xcULL
/* A gate's parameter count and reserved bits: zero for 64-bit gates. */
#define GATE_RESERVED_MASK  (0xffULL << 32)
#define GATE_SEL_SHIFT      16
#define GATE_SEL_MASK       (0xffffULL << GATE_SEL_SHIFT)
#define FIRST_HV_GDT_ENTRY  (0xe000 / 8)
#define FLAT_KERNEL_CS64    0xe033

struct table_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

/* A gate's target must be the guest's own: its GDT part, its LDT, or the flat kernel CS. */
static bool gate_target_ok(uint64_t sel)
{
    return (sel >> 3) < FIRST_HV_GDT_ENTRY || sel == FLAT_KERNEL_CS64 || (sel & 4);
}

/*
 * Both guest rings are CPL 3, so a gate the CPU could pass through would
 * not tell the guest's kernel from its user. Xen stores the gate with DPL 0
 * (every use faults: #GP with the gate's selector, which a 64-bit guest
 * gets as it is) and keeps the guest's DPL, always 3 after the raise, in
 * the target selector's RPL.
 */
static bool call_gate_fixup(uint64_t *d)
{
    uint64_t sel = (*d & GATE_SEL_MASK) >> GATE_SEL_SHIFT;

    if (!gate_target_ok(sel) || (*d & GATE_RESERVED_MASK))
        return false;
    sel |= 3;
    *d = (*d & ~(GATE_SEL_MASK | DESC_DPL_MASK)) | (sel << GATE_SEL_SHIFT);
    return true;
}

bool pv_descriptor_fixup(uint64_t *d)
{
    uint64_t type = (*d & DESC_TYPE_MASK) >> DESC_TYPE_SHIFT;

    if (*d == 0 || !(*d & DESC_PRESENT))
        return true;
    if (*d & DESC_S) {
        *d |= DESC_DPL_MASK;
        return true;
    }
    /* Type 0 never loads; it is the upper half of a 64-bit gate. */
    if (type == 0)
        return true;
    if (type != SYS_TYPE_CALL_GATE)
        return false;
    return call_gate_fixup(d);
}

uint64_t *pv_live_gdt(void)
{
    struct table_ptr gdt;

    __asm__ volatile("sgdt %0" : "=m"(gdt));
    return (uint64_t *)(uintptr_t)gdt.base;
}

void pv_load_descriptor_tables(struct vcpu *v)
{
    uint64_t *gdt = pv_live_gdt();
    unsigned n = v->pv.gdt_entries;

    for (unsigned i = 0; i < n; i++) {
        const uint64_t *frame = phys_to_virt(v->pv.gdt_frames[i / 512] << PAGE_SHIFT);
        uint64_t d = frame[i % 512];

        gdt[i] = pv_descriptor_fixup(&d) ? d : 0;
    }
    memset(gdt + n, 0, (GUEST_GDT_ENTRIES - n) * sizeof(uint64_t));
    pv_ldt_load(v);
}

/* The descriptor sel names for v (GDT or LDT), or false if there is none. */
static bool guest_descriptor(const struct vcpu *v, uint64_t sel, uint64_t *d)
{
    unsigned index = (unsigned)(sel >> 3);
    const uint64_t *ldt;

    if (sel & 4) {
        ldt = pv_ldt_descriptor(v, index);
        if (!ldt)
            return false;
        *d = *ldt;
        return true;
    }
    if (index >= v->pv.gdt_entries)
        return false;
    *d = pv_live_gdt()[index];
    return true;
}

/*
 * Whether iretq may load sel as the guest's CS (code) or SS (data): the
 * flat selectors, or a present DPL-3 descriptor of the right kind in the
 * guest's GDT or LDT. Checked before every return so a bad one can never
 * fault in ring 0.
 */
bool pv_selector_ok(const struct vcpu *v, uint64_t sel, bool code)
{
    uint64_t d;

    if (sel > 0xffff || (sel & 3) != 3)
        return false;
    if (code ? (sel == 0xe033 || sel == 0xe023) : sel == 0xe02b)
        return true;
    if (!guest_descriptor(v, sel, &d))
        return false;
    if (!(d & DESC_PRESENT) || !(d & DESC_S) || ((d & DESC_DPL_MASK) >> DESC_DPL_SHIFT) != 3)
        return false;
    if (code)
        return d & DESC_CODE;
    return !(d & DESC_CODE) && (d & DESC_DATA_WRITABLE);
}

/* May v load sel into %ds/%es/%fs/%gs (a readable DPL-3 segment, or null)? */
bool pv_data_selector_ok(const struct vcpu *v, uint64_t sel)
{
    uint64_t d;

    if (sel == 0)
        return true;
    if (sel > 0xffff || (sel & 3) != 3)
        return false;
    if (sel == 0xe02b || sel == 0xe033 || sel == 0xe023)
        return true;
    if (!guest_descriptor(v, sel, &d))
        return false;
    if (!(d & DESC_PRESENT) || !(d & DESC_S) || ((d & DESC_DPL_MASK) >> DESC_DPL_SHIFT) != 3)
        return false;
    /* Data is always readable; code only with its readable bit (same bit 41). */
    return !(d & DESC_CODE) || (d & DESC_DATA_WRITABLE);
}

static bool frame_is_ours(struct domain *d, uint64_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    return pg && pg->state == FRAME_IN_USE && pg->owner == d->id;
}

bool pv_frame_descriptors_fixup(uint64_t mfn)
{
    uint64_t *page = phys_to_virt(mfn << PAGE_SHIFT);

    /* Like Xen, entries before a bad one keep their checked form. */
    for (unsigned j = 0; j < 512; j++) {
        uint64_t d = page[j];

        if (!pv_descriptor_fixup(&d))
            return false;
        if (d != page[j])
            page[j] = d;
    }
    return true;
}

static void release_frames(const uint64_t *frames, unsigned nr)
{
    for (unsigned i = 0; i < nr; i++) {
        put_page_type(frames[i]);
        put_page(frames[i]);
    }
}

/*
 * Each frame becomes a descriptor-table page: read-only to the guest from
 * now, so its checked contents cannot change behind our back.
 */
static int take_frames(struct domain *d, const uint64_t *frames, unsigned nr)
{
    for (unsigned i = 0; i < nr; i++) {
        if (!frame_is_ours(d, frames[i]) || !get_page(frames[i], d)) {
            release_frames(frames, i);
            return -EINVAL;
        }
        if (get_page_type(frames[i], d, FRAME_TYPE_SEG_DESC)) {
            put_page(frames[i]);
            release_frames(frames, i);
            return -EINVAL;
        }
        if (!pv_frame_descriptors_fixup(frames[i])) {
            release_frames(frames, i + 1);
            return -EINVAL;
        }
    }
    return 0;
}

void pv_gdt_release(struct vcpu *v)
{
    release_frames(v->pv.gdt_frames, (v->pv.gdt_entries + 511) / 512);
    v->pv.gdt_entries = 0;
}

int pv_set_gdt_frames(struct vcpu *v, const uint64_t *frames, unsigned entries)
{
    unsigned nr = (entries + 511) / 512;
    int rc;

    if (entries > GUEST_GDT_ENTRIES)
        return -EINVAL;
    rc = take_frames(v->domain, frames, nr);
    if (rc)
        return rc;
    release_frames(v->pv.gdt_frames, (v->pv.gdt_entries + 511) / 512);
    memcpy(v->pv.gdt_frames, frames, nr * sizeof(frames[0]));
    v->pv.gdt_entries = entries;
    if (v == current_vcpu())
        pv_load_descriptor_tables(v);
    return 0;
}

HYPERCALL_HANDLER(do_set_gdt)
{
    uint64_t frames[PV_GDT_MAX_FRAMES];
    unsigned nr;

    (void)a3, (void)a4, (void)a5;
    if (a2 > GUEST_GDT_ENTRIES)
        return -EINVAL;
    nr = (unsigned)((a2 + 511) / 512);
    if (nr && copy_from_guest(frames, a1, nr * sizeof(frames[0])))
        return -EFAULT;
    return pv_set_gdt_frames(current_vcpu(), frames, (unsigned)a2);
}

HYPERCALL_HANDLER(do_update_descriptor)
{
    struct domain *d = current_domain();
    uint64_t maddr = a1, desc = a2, mfn = a1 >> PAGE_SHIFT;
    struct page_info *pg;
    unsigned type;

    (void)a3, (void)a4, (void)a5;
    if (maddr & 7 || !frame_is_ours(d, mfn) || !pv_descriptor_fixup(&desc))
        return -EINVAL;
    /* A live descriptor page stays one; any other page must not be a table. */
    pg = mfn_to_page(mfn);
    type = pg->type == FRAME_TYPE_SEG_DESC && pg->type_count ? FRAME_TYPE_SEG_DESC
                                                              : FRAME_TYPE_WRITABLE;
    if (!get_page(mfn, d))
        return -EINVAL;
    if (get_page_type(mfn, d, type)) {
        put_page(mfn);
        return -EINVAL;
    }
    *(uint64_t *)phys_to_virt(maddr) = desc;
    put_page_type(mfn);
    put_page(mfn);
    /* If that frame is part of a GDT or LDT, the CPU must see it now. */
    pv_ldt_frame_changed(d, mfn);
    pv_load_descriptor_tables(current_vcpu());
    return 0;
}
