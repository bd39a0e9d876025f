/*
 * The dom0 builder: turns boot module 0 (a 64-bit PV kernel) and module 1
 * (its initrd) into domain 0, laid out as Xen lays out a PV domain (see
 * dom0_layout.h), and leaves it paused, ready to be unpaused.
 *
 * Guest memory is written through the direct map here, before the guest
 * exists; afterwards only its own page tables reach it.
 */
#include <lintel/dom0_layout.h>
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/kernel_image.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/paging.h>
#include <lintel/printk.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_kernel_notes.h>
#include <lintel/pv_mm.h>
#include <lintel/setup.h>
#include <lintel/smp.h>
#include <lintel/xz.h>
#include <public/xen.h>

#define PTE_ACCESSED  (1ULL << 5)
#define PTE_DIRTY     (1ULL << 6)
#define GUEST_TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_ACCESSED | PTE_DIRTY)
#define DEFAULT_RESERVE_PAGES (64ULL << (20 - PAGE_SHIFT))

struct unpacked_kernel {
    void *data;                 /* alloc_xen_pages(order), or NULL */
    unsigned order;
    struct elf_image elf;
};

struct dom0_build {
    struct domain *d;
    const struct elf_image *elf;
    struct pv_kernel_notes notes;
    struct dom0_layout layout;
    uint64_t nr_pages;
    mfn_t *p2m;
    const struct boot_module *initrd;
};

static void *guest_page(const struct dom0_build *b, uint64_t pfn)
{
    return phys_to_virt(b->p2m[pfn] << PAGE_SHIFT);
}

/* Copies len bytes to dom0's pseudo-physical memory from pfn's page on. */
static void copy_to_pfns(const struct dom0_build *b, uint64_t pfn, const void *src,
                         size_t len)
{
    const uint8_t *s = src;

    for (; len; pfn++) {
        size_t n = MIN(len, PAGE_SIZE);

        memcpy(guest_page(b, pfn), s, n);
        s += n;
        len -= n;
    }
}

/* Copies len bytes to guest virtual va (inside the layout). */
static void copy_to_layout(const struct dom0_build *b, uint64_t va, const void *src,
                           size_t len)
{
    const uint8_t *s = src;

    while (len) {
        uint64_t off = va & (PAGE_SIZE - 1);
        size_t n = MIN(len, PAGE_SIZE - off);

        memcpy((uint8_t *)guest_page(b, dom0_layout_pfn(&b->layout, va)) + off, s, n);
        va += n;
        s += n;
        len -= n;
    }
}

static void write_p2m_list(const struct dom0_build *b)
{
    const uint64_t per_page = PAGE_SIZE / sizeof(mfn_t);

    for (uint64_t pfn = 0; pfn < b->nr_pages; pfn += per_page) {
        uint64_t n = MIN(per_page, b->nr_pages - pfn);

        memcpy(guest_page(b, dom0_layout_p2m_pfn(&b->layout, pfn * sizeof(mfn_t))),
               &b->p2m[pfn], n * sizeof(mfn_t));
    }
}

static uint64_t choose_nr_pages(void)
{
    uint64_t free = frame_allocator.free_frames, pages;

    if (boot_options.dom0_mem)
        pages = boot_options.dom0_mem >> PAGE_SHIFT;
    else
        pages = free > 2 * DEFAULT_RESERVE_PAGES ? free - DEFAULT_RESERVE_PAGES : free / 2;
    if (boot_options.dom0_mem_min)
        pages = MAX(pages, boot_options.dom0_mem_min >> PAGE_SHIFT);
    if (boot_options.dom0_mem_max)
        pages = MIN(pages, boot_options.dom0_mem_max >> PAGE_SHIFT);
    return pages;
}

/* One per online pCPU, within dom0_max_vcpus=<n> or <min>-<max> (Xen's rule). */
static unsigned dom0_vcpus(void)
{
    unsigned n = nr_online_cpus();

    if (boot_options.dom0_max_vcpus_min)
        n = MAX(n, boot_options.dom0_max_vcpus_min);
    if (boot_options.dom0_max_vcpus_max)
        n = MIN(n, boot_options.dom0_max_vcpus_max);
    return MIN(MAX(n, 1u), (unsigned)DOMAIN_MAX_VCPUS);
}

static int allocate_memory(struct dom0_build *b)
{
    struct domain *d = b->d;

    b->p2m = xmalloc(b->nr_pages * sizeof(mfn_t));
    if (!b->p2m)
        return -ENOMEM;
    d->max_pages = boot_options.dom0_mem_max ? boot_options.dom0_mem_max >> PAGE_SHIFT
                                             : b->nr_pages;
    d->max_pages = MAX(d->max_pages, b->nr_pages);
    for (uint64_t pfn = 0; pfn < b->nr_pages; pfn++) {
        mfn_t mfn = domain_alloc_page(d);

        if (mfn == INVALID_MFN) {
            pr_err("dom0: out of memory after %lu of %lu pages\n", (unsigned long)pfn,
                   (unsigned long)b->nr_pages);
            return -ENOMEM;
        }
        b->p2m[pfn] = mfn;
        memset(phys_to_virt(mfn << PAGE_SHIFT), 0, PAGE_SIZE);
        m2p_set(mfn, pfn);
    }
    return 0;
}

/*
 * Segments go where their physical address says, moved up into the
 * virtual range: va = paddr - PADDR_OFFSET + VIRT_BASE, as Xen loads them
 * (Linux's per-CPU segment has virtual address 0, only its paddr is real).
 */
static uint64_t load_address(const struct pv_kernel_notes *n, const struct elf64_phdr *ph)
{
    return ph->paddr - n->paddr_offset + n->virt_base;
}

static void for_each_load_segment(const struct elf_image *img,
                                  void (*fn)(void *ctx, const struct elf64_phdr *ph),
                                  void *ctx)
{
    struct elf64_ehdr eh;

    memcpy(&eh, img->data, sizeof(eh));
    for (unsigned i = 0; i < eh.phnum; i++) {
        struct elf64_phdr ph;

        memcpy(&ph, img->data + eh.phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
        if (ph.type == ELF_PT_LOAD && ph.memsz)
            fn(ctx, &ph);
    }
}

struct span {
    const struct pv_kernel_notes *notes;
    uint64_t lo, hi;
};

static void widen_span(void *ctx, const struct elf64_phdr *ph)
{
    struct span *s = ctx;
    uint64_t start = load_address(s->notes, ph);

    s->lo = MIN(s->lo, start);
    s->hi = MAX(s->hi, start + ph->memsz);
}

static void copy_segment(void *ctx, const struct elf64_phdr *ph)
{
    const struct dom0_build *b = ctx;

    /* bss is already zero: every frame was cleared when allocated. */
    if (ph->filesz)
        copy_to_layout(b, load_address(&b->notes, ph), b->elf->data + ph->offset,
                       ph->filesz);
}

static void load_kernel(const struct dom0_build *b)
{
    for_each_load_segment(b->elf, copy_segment, (void *)b);
}

/* Where the next page-table frame comes from, and where its range ends. */
struct table_frames {
    uint64_t next_pfn, end_pfn;
    const char *what;
};

/* Maps va to pfn in the tree under l4, taking missing tables from tf. */
static void map_page(const struct dom0_build *b, uint64_t *l4, uint64_t va, uint64_t pfn,
                     uint64_t flags, struct table_frames *tf)
{
    uint64_t *t = l4;

    for (int level = 3; level >= 1; level--) {
        uint64_t *e = &t[(va >> (12 + 9 * level)) & 511];

        if (!(*e & PTE_PRESENT)) {
            if (tf->next_pfn >= tf->end_pfn)
                panic("dom0: too few page-table frames counted for the %s", tf->what);
            *e = (b->p2m[tf->next_pfn++] << PAGE_SHIFT) | GUEST_TABLE_FLAGS;
        }
        t = phys_to_virt(*e & PTE_ADDR_MASK);
    }
    t[(va >> 12) & 511] = (b->p2m[pfn] << PAGE_SHIFT) | flags;
}

/*
 * The bootstrap tables map [v_start, v_end) to pfns 0.. in order; the
 * tables' own pages are mapped read-only, as the PV rules require of
 * page-table frames. A p2m list at INIT_P2M is mapped to its own frames
 * by tables taken from its own frames too, so Linux can free them all
 * once it has moved the list.
 */
static mfn_t build_page_tables(const struct dom0_build *b)
{
    const struct dom0_layout *l = &b->layout;
    uint64_t pt_pfn = dom0_layout_pfn(l, l->pt_start);
    struct table_frames boot = { pt_pfn + 1, pt_pfn + l->nr_pt_pages, "initial mapping" };
    uint64_t *l4 = guest_page(b, pt_pfn);

    pv_install_hv_slots(l4);
    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        uint64_t pfn = dom0_layout_pfn(l, va), flags = GUEST_TABLE_FLAGS;

        if (pfn >= pt_pfn && pfn < boot.end_pfn)
            flags &= ~PTE_WRITE;
        map_page(b, l4, va, pfn, flags, &boot);
    }
    if (l->p2m_outside) {
        struct table_frames p2m = { l->p2m_first_pfn + l->p2m_data_pages,
                                    l->p2m_first_pfn + l->p2m_nr_frames, "p2m list" };

        for (uint64_t i = 0; i < l->p2m_data_pages; i++)
            map_page(b, l4, l->p2m_start + i * PAGE_SIZE, l->p2m_first_pfn + i,
                     GUEST_TABLE_FLAGS, &p2m);
        if (p2m.next_pfn != p2m.end_pfn)
            panic("dom0: p2m list table count wrong (%lu unused)",
                  (unsigned long)(p2m.end_pfn - p2m.next_pfn));
    }
    return b->p2m[pt_pfn];
}

static void write_start_info(const struct dom0_build *b, const char *cmdline)
{
    const struct dom0_layout *l = &b->layout;
    start_info_t si;

    memset(&si, 0, sizeof(si));
    lintel_strlcpy(si.magic, "xen-3.0-x86_64", sizeof(si.magic));
    si.nr_pages = b->nr_pages;
    si.shared_info = b->d->shared_info_mfn << PAGE_SHIFT;
    si.flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si.pt_base = l->pt_start;
    si.nr_pt_frames = l->nr_pt_pages;
    si.mfn_list = l->p2m_start;
    if (l->p2m_outside) {
        si.first_p2m_pfn = l->p2m_first_pfn;
        si.nr_p2m_frames = l->p2m_nr_frames;
    }
    if (b->initrd) {
        si.mod_start = l->initrd_unmapped ? l->initrd_pfn : l->initrd_start;
        si.mod_len = b->initrd->end - b->initrd->start;
        if (l->initrd_unmapped)
            si.flags |= SIF_MOD_START_PFN;
    }
    lintel_strlcpy((char *)si.cmd_line, cmdline, sizeof(si.cmd_line));
    copy_to_layout(b, l->start_info, &si, sizeof(si));
}

/*
 * A bzImage carries the ELF vmlinux as an .xz payload: unpack it into
 * hypervisor pages, freed once dom0 is built.
 */
static int unpack_bzimage(const struct boot_module *m, const struct kernel_image *k,
                          struct unpacked_kernel *out, char *err, size_t err_len)
{
    const uint8_t *payload = (const uint8_t *)phys_to_virt(m->start) + k->payload_offset;
    size_t size, len;
    unsigned order = 0;
    int rc;

    if (strcmp(k->compression, "xz")) {
        lintel_snprintf(err, err_len, "module 0 is a bzImage with a %s payload; only xz "
                        "payloads are unpacked", k->compression);
        return -ENOSYS;
    }
    rc = xz_linux_payload_size(payload, k->payload_length, &size, err, err_len);
    if (rc)
        return rc;
    while ((PAGE_SIZE << order) < size)
        order++;
    out->data = alloc_xen_pages(order);
    if (!out->data) {
        lintel_snprintf(err, err_len, "no room for the %lu KiB unpacked kernel",
                        (unsigned long)(size >> 10));
        return -ENOMEM;
    }
    out->order = order;
    rc = xz_decompress_linux_payload(payload, k->payload_length, out->data,
                                     PAGE_SIZE << order, &len, err, err_len);
    if (rc)
        return rc;
    printk("dom0: unpacked the bzImage's xz payload: %lu KiB -> %lu KiB\n",
           (unsigned long)(k->payload_length >> 10), (unsigned long)(len >> 10));
    return elf_parse(out->data, len, &out->elf, err, err_len);
}

/*
 * Multiboot1 loaders (QEMU's -initrd, GRUB's "module") give each module's
 * path before its arguments; Xen drops it from dom0's command line too.
 */
static const char *dom0_cmdline(const struct boot_info *bi)
{
    const char *s = bi->modules[0].cmdline;

    if (bi->protocol != 1)
        return s;
    while (*s == ' ')
        s++;
    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

static int read_kernel(const struct boot_module *m, struct kernel_image *k,
                       struct unpacked_kernel *unpacked, const struct elf_image **elf,
                       char *err, size_t err_len)
{
    int rc = kernel_image_check(phys_to_virt(m->start), m->end - m->start, k, err,
                                err_len);

    if (rc)
        return rc;
    if (k->format == KERNEL_ELF) {
        *elf = &k->elf;
        return 0;
    }
    rc = unpack_bzimage(m, k, unpacked, err, err_len);
    *elf = &unpacked->elf;
    return rc;
}

static void print_layout(const struct dom0_build *b)
{
    const struct dom0_layout *l = &b->layout;

    printk("dom0 layout (%lu pages, %lu MiB):\n", (unsigned long)b->nr_pages,
           (unsigned long)(b->nr_pages >> (20 - PAGE_SHIFT)));
    printk("  kernel      %016lx-%016lx\n", (unsigned long)l->kernel_start,
           (unsigned long)l->kernel_end);
    if (b->initrd && l->initrd_unmapped)
        printk("  initrd      unmapped, pfn %lx\n", (unsigned long)l->initrd_pfn);
    else if (b->initrd)
        printk("  initrd      %016lx-%016lx\n", (unsigned long)l->initrd_start,
               (unsigned long)l->initrd_end);
    printk("  p2m list    %016lx-%016lx", (unsigned long)l->p2m_start,
           (unsigned long)l->p2m_end);
    if (l->p2m_outside)
        printk(" (INIT_P2M: pfn %lx, %lu frames)", (unsigned long)l->p2m_first_pfn,
               (unsigned long)l->p2m_nr_frames);
    printk("\n");
    printk("  start_info  %016lx\n", (unsigned long)l->start_info);
    printk("  page tables %016lx (%lu frames)\n", (unsigned long)l->pt_start,
           (unsigned long)l->nr_pt_pages);
    printk("  boot stack  %016lx\n", (unsigned long)l->stack_start);
    printk("  mapped to   %016lx, entry %016lx\n", (unsigned long)l->v_end,
           (unsigned long)b->notes.entry);
}

static int build(struct dom0_build *b, const struct boot_info *bi, char *err,
                 size_t err_len)
{
    struct dom0_layout_request req;
    struct span span;
    struct vcpu *v;
    mfn_t l4;
    int rc;

    rc = pv_kernel_notes_read(b->elf, &b->notes, err, err_len);
    if (rc)
        return rc;
    b->initrd = bi->module_count > 1 ? &bi->modules[1] : NULL;
    b->nr_pages = choose_nr_pages();
    span = (struct span){ &b->notes, UINT64_MAX, 0 };
    for_each_load_segment(b->elf, widen_span, &span);
    req = (struct dom0_layout_request){
        .virt_base = b->notes.virt_base,
        .kernel_start = span.lo,
        .kernel_end = span.hi,
        .nr_pages = b->nr_pages,
        .initrd_len = b->initrd ? b->initrd->end - b->initrd->start : 0,
        .unmapped_initrd = b->notes.mod_start_pfn,
        .has_p2m_base = b->notes.has_init_p2m,
        .p2m_base = b->notes.init_p2m,
    };
    rc = dom0_layout_compute(&req, &b->layout, err, err_len);
    if (rc)
        return rc;
    print_layout(b);

    b->d = domain_create(0, true, dom0_vcpus());
    if (!b->d || domain_create_vcpus(b->d, b->d->max_vcpus)) {
        lintel_strlcpy(err, "cannot create domain 0 and its vCPUs", err_len);
        return -ENOMEM;
    }
    lintel_strlcpy(b->d->name, "dom0", sizeof(b->d->name));
    rc = allocate_memory(b);
    if (rc) {
        lintel_strlcpy(err, "not enough memory for dom0_mem", err_len);
        return rc;
    }
    load_kernel(b);
    if (b->initrd)
        copy_to_pfns(b, b->layout.initrd_unmapped ? b->layout.initrd_pfn
                                                  : dom0_layout_pfn(&b->layout,
                                                                    b->layout.initrd_start),
                     phys_to_virt(b->initrd->start), b->initrd->end - b->initrd->start);
    write_p2m_list(b);
    write_start_info(b, dom0_cmdline(bi));
    if (b->notes.has_hypercall_page)
        pv_write_hypercall_page(guest_page(b, dom0_layout_pfn(&b->layout,
                                                              b->notes.hypercall_page)));
    l4 = build_page_tables(b);

    v = b->d->vcpus[0];
    rc = pv_pin_table(b->d, l4, 4);
    if (!rc)
        rc = pv_set_root(v, l4, false);
    if (rc) {
        lintel_snprintf(err, err_len, "the bootstrap page tables were refused (%d)", rc);
        return rc;
    }
    pv_vcpu_set_entry(v, b->notes.entry, b->layout.stack_start + PAGE_SIZE,
                      b->layout.start_info);
    v->pv.initialised = true;
    return 0;
}

struct domain *dom0_build(const struct boot_info *bi)
{
    struct dom0_build b;
    struct kernel_image k;
    struct unpacked_kernel unpacked = { .data = NULL };
    char err[160];
    int rc;

    memset(&b, 0, sizeof(b));
    rc = read_kernel(&bi->modules[0], &k, &unpacked, &b.elf, err, sizeof(err));
    if (!rc)
        rc = build(&b, bi, err, sizeof(err));
    xfree(b.p2m);
    if (unpacked.data)
        free_xen_pages(unpacked.data, unpacked.order);
    if (rc) {
        pr_err("dom0: %s\n", err);
        return NULL;
    }
    /* Kernel and initrd now live in dom0's own memory, as on Xen: their
     * frames go back to the allocator. */
    for (unsigned i = 0; i < bi->module_count && i < 2; i++)
        release_boot_module(&bi->modules[i]);
    printk("dom0: built (%s kernel, %lu pages); starting it\n",
           b.notes.guest_os[0] ? b.notes.guest_os : "unnamed", (unsigned long)b.nr_pages);
    return b.d;
}
