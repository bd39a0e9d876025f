/* PV-exec pure logic: dom0's virtual layout, Xen-note reading and the
 * cpuid policy PV guests see. */
#include "unit.h"

#include <lintel/cpuid_policy.h>
#include <lintel/dom0_layout.h>
#include <lintel/elf.h>
#include <lintel/errno.h>
#include <lintel/pte_store.h>
#include <lintel/pv_kernel_notes.h>
#include <public/elfnote.h>

#define VBASE 0xffffffff80000000ULL

static char err[160];

static struct dom0_layout_request request(uint64_t kernel_bytes, uint64_t pages,
                                          uint64_t initrd)
{
    return (struct dom0_layout_request){
        .virt_base = VBASE, .kernel_start = VBASE, .kernel_end = VBASE + kernel_bytes,
        .nr_pages = pages, .initrd_len = initrd,
    };
}

static void test_layout_order_and_alignment(void **state)
{
    struct dom0_layout_request req = request(0x2a123, 16384, 0);
    struct dom0_layout l;

    (void)state;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), 0);
    assert_true(l.initrd_start == l.initrd_end);
    assert_true(l.p2m_start >= VBASE + 0x2a123);
    assert_int_equal(l.p2m_start % 4096, 0);
    assert_int_equal(l.p2m_end - l.p2m_start, 16384 * 8);
    assert_true(l.start_info >= l.p2m_end);
    assert_true(l.pt_start > l.start_info);
    assert_int_equal(l.stack_start, l.pt_start + l.nr_pt_pages * 4096);
    assert_int_equal(l.v_end % (4 << 20), 0);
    assert_true(l.v_end - (l.stack_start + 4096) >= 512 * 1024);
    /* One L4, one L3, one L2 and an L1 per 2 MiB mapped. */
    assert_int_equal(l.tables[3], 1);
    assert_int_equal(l.tables[0], (l.v_end - l.v_start) >> 21);
    assert_true(l.nr_pt_pages >= (uint64_t)l.tables[0] + l.tables[1] + l.tables[2] + 1);
    assert_int_equal(dom0_layout_pfn(&l, l.start_info), (l.start_info - VBASE) >> 12);
}

static void test_layout_initrd_and_memory(void **state)
{
    struct dom0_layout_request req = request(0x100000, 4096, 3 << 20);
    struct dom0_layout l;

    (void)state;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), 0);
    assert_int_equal(l.initrd_start, VBASE + 0x100000);
    assert_int_equal(l.initrd_end, VBASE + 0x100000 + (3 << 20));
    assert_true(l.p2m_start >= l.initrd_end);
    /* 4 MiB of memory cannot hold a 16 MiB layout. */
    req = request(16 << 20, 1024, 0);
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), -ENOMEM);
    assert_non_null(strstr(err, "smaller"));
    req = request(0x1000, 4096, 0);
    req.kernel_start = VBASE - 0x1000;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), -EINVAL);
    req = request(0x1000, 4096, 0);
    req.virt_base += 8;
    req.kernel_start += 8;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), -EINVAL);
}

/* Linux's INIT_P2M: 512 GiB, an L4 slot of its own. */
#define P2M_BASE 0x8000000000ULL

static void test_layout_p2m_at_init_p2m(void **state)
{
    struct dom0_layout_request req = request(0x3a00000, 262144, 0);
    struct dom0_layout l;

    (void)state;
    req.has_p2m_base = true;
    req.p2m_base = P2M_BASE;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), 0);
    assert_true(l.p2m_outside);
    assert_int_equal(l.p2m_start, P2M_BASE);
    assert_int_equal(l.p2m_end, P2M_BASE + 262144 * 8);
    /* Nothing of the list in the initial mapping: start_info follows the kernel. */
    assert_int_equal(l.start_info, VBASE + 0x3a00000);
    assert_int_equal(l.mapped_pages, (l.v_end - l.v_start) >> 12);
    assert_int_equal(l.p2m_first_pfn, l.mapped_pages);
    /* 2 MiB of list: 512 data pages, one L1, one L2, one L3 of its own. */
    assert_int_equal(l.p2m_data_pages, 512);
    assert_int_equal(l.p2m_nr_frames, 515);
    assert_int_equal(dom0_layout_p2m_pfn(&l, 0), l.mapped_pages);
    assert_int_equal(dom0_layout_p2m_pfn(&l, 4096 * 3 + 8), l.mapped_pages + 3);
}

static void test_layout_p2m_shares_tables_with_the_mapping(void **state)
{
    struct dom0_layout_request req = request(0x100000, 4096, 0);
    struct dom0_layout l, first;

    (void)state;
    assert_int_equal(dom0_layout_compute(&req, &first, err, sizeof(err)), 0);
    /* Right past v_end (4 MiB aligned): a new L1, the same L2 and L3. */
    req.has_p2m_base = true;
    req.p2m_base = first.v_end + (8 << 20);
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), 0);
    assert_int_equal(l.p2m_data_pages, 8);
    assert_int_equal(l.p2m_nr_frames, 9);
    /* Across a 2 MiB line: two L1s. */
    req.p2m_base = first.v_end + (10 << 20) - 4096;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), 0);
    assert_int_equal(l.p2m_nr_frames, 10);
}

static void test_layout_unmapped_initrd(void **state)
{
    struct dom0_layout_request req = request(0x100000, 16384, (3 << 20) + 5);
    struct dom0_layout l;

    (void)state;
    req.unmapped_initrd = true;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), 0);
    assert_true(l.initrd_unmapped);
    assert_int_equal(l.initrd_start, l.initrd_end);
    assert_int_equal(l.p2m_start, VBASE + 0x100000);
    assert_int_equal(l.initrd_pfn, l.mapped_pages);
    /* The p2m frames come after the initrd's 769 pages. */
    req.has_p2m_base = true;
    req.p2m_base = P2M_BASE;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), 0);
    assert_int_equal(l.start_info, VBASE + 0x100000);
    assert_int_equal(l.p2m_first_pfn, l.mapped_pages + 769);
    /* Memory for the mapping and the initrd, none left for the p2m frames. */
    req.nr_pages = l.mapped_pages + 769;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), -ENOMEM);
    /* Exactly enough: 1793 pages of list need 4 data pages and 3 tables. */
    req.nr_pages = l.mapped_pages + 769 + 7;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), 0);
    assert_int_equal(l.p2m_nr_frames, 7);
}

static void test_layout_init_p2m_refusals(void **state)
{
    struct dom0_layout_request req = request(0x100000, 4096, 0);
    struct dom0_layout l;

    (void)state;
    req.has_p2m_base = true;
    req.p2m_base = P2M_BASE + 8;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "aligned"));
    req.p2m_base = VBASE + 0x200000;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "initial mapping"));
    req.p2m_base = 0xffff800000000000ULL;
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "address space"));
    req.p2m_base = (1ULL << 47) - 4096;     /* runs into the non-canonical hole */
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), -EINVAL);
    req.p2m_base = 0xfffffffffffff000ULL;   /* wraps */
    assert_int_equal(dom0_layout_compute(&req, &l, err, sizeof(err)), -EINVAL);
}

static void test_count_tables_spanning_boundaries(void **state)
{
    unsigned t[4];

    (void)state;
    dom0_count_tables(0x1ff000, 0x201000, t);      /* crosses a 2 MiB line */
    assert_int_equal(t[0], 2);
    assert_int_equal(t[1], 1);
    dom0_count_tables((1ULL << 39) - 4096, (1ULL << 39) + 4096, t);
    assert_int_equal(t[2], 2);
    assert_int_equal(t[1], 2);
    dom0_count_tables(5, 5, t);
    assert_int_equal(t[0] + t[1] + t[2] + t[3], 0);
}

/* A minimal ELF: header, one PT_LOAD, one PT_NOTE with the given notes. */
static uint8_t image[2048];

static size_t put_note(uint8_t *p, uint32_t type, const void *desc, uint32_t size)
{
    uint32_t hdr[3] = { 4, size, type };

    memcpy(p, hdr, 12);
    memcpy(p + 12, "Xen", 4);
    memcpy(p + 16, desc, size);
    return 16 + ((size + 3) & ~3u);
}

static void build_elf(struct elf_image *img, bool with_virt_base, uint64_t hypercall_page)
{
    struct elf64_ehdr eh = {
        .ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 }, .type = ELF_ET_EXEC,
        .machine = ELF_EM_X86_64, .version = 1, .entry = VBASE + 0x1000, .phoff = 64,
        .ehsize = 64, .phentsize = sizeof(struct elf64_phdr), .phnum = 2,
    };
    struct elf64_phdr load = { .type = ELF_PT_LOAD, .offset = 0, .vaddr = VBASE,
                               .filesz = 512, .memsz = 0x3000 };
    struct elf64_phdr note = { .type = ELF_PT_NOTE, .offset = 256 };
    uint64_t vb = VBASE, entry = VBASE + 0x1800;
    size_t n = 0;

    memset(image, 0, sizeof(image));
    if (with_virt_base)
        n += put_note(image + 256 + n, XEN_ELFNOTE_VIRT_BASE, &vb, 8);
    n += put_note(image + 256 + n, XEN_ELFNOTE_ENTRY, &entry, 8);
    n += put_note(image + 256 + n, XEN_ELFNOTE_HYPERCALL_PAGE, &hypercall_page, 8);
    n += put_note(image + 256 + n, XEN_ELFNOTE_GUEST_OS, "linux", 6);
    note.filesz = note.memsz = n;
    load.filesz = 256 + n;
    memcpy(image, &eh, sizeof(eh));
    memcpy(image + 64, &load, sizeof(load));
    memcpy(image + 64 + sizeof(load), &note, sizeof(note));
    assert_int_equal(elf_parse(image, sizeof(image), img, err, sizeof(err)), 0);
}

static void test_notes_read(void **state)
{
    struct elf_image img;
    struct pv_kernel_notes n;

    (void)state;
    build_elf(&img, true, VBASE + 0x2000);
    assert_int_equal(pv_kernel_notes_read(&img, &n, err, sizeof(err)), 0);
    assert_int_equal(n.virt_base, VBASE);
    assert_int_equal(n.entry, VBASE + 0x1800);
    assert_true(n.has_hypercall_page);
    assert_int_equal(n.hypercall_page, VBASE + 0x2000);
    assert_string_equal(n.guest_os, "linux");
}

static void test_notes_refusals(void **state)
{
    struct elf_image img;
    struct pv_kernel_notes n;

    (void)state;
    build_elf(&img, false, VBASE + 0x2000);
    assert_int_equal(pv_kernel_notes_read(&img, &n, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "VIRT_BASE"));
    build_elf(&img, true, VBASE + 0x2100);      /* not page aligned */
    assert_int_equal(pv_kernel_notes_read(&img, &n, err, sizeof(err)), -EINVAL);
    build_elf(&img, true, VBASE + 0x10000);     /* outside the image */
    assert_int_equal(pv_kernel_notes_read(&img, &n, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "HYPERCALL_PAGE"));
}

static void test_cpuid_hypervisor_leaves(void **state)
{
    uint32_t host[4] = { 1, 2, 3, 4 }, out[4];

    (void)state;
    cpuid_pv_filter(0x40000000, 0, host, true, out);
    assert_memory_equal(&out[1], "XenVMMXenVMM", 12);
    assert_true(out[0] >= 0x40000002 && out[0] < 0x40000100);
    cpuid_pv_filter(0x40000001, 0, host, true, out);
    assert_int_equal(out[0], (4 << 16) | 17);
    cpuid_pv_filter(0x40000002, 0, host, true, out);
    assert_int_equal(out[0], 1);
    assert_true(cpuid_is_hypervisor_leaf(0x400000ff));
    assert_false(cpuid_is_hypervisor_leaf(0x40000100));
}

static void test_cpuid_leaf1_filtering(void **state)
{
    uint32_t host[4] = { 0x663, 0, 0xffffffffu & ~(1u << 31), 0xffffffffu }, out[4];

    (void)state;
    cpuid_pv_filter(1, 0, host, false, out);
    assert_int_equal(out[0], 0x663);
    assert_true(out[2] & (1u << 31));           /* hypervisor present */
    assert_false(out[2] & (1u << 5));           /* no VMX */
    assert_true(out[2] & (1u << 26));           /* XSAVE, as the host */
    assert_true(out[2] & (1u << 27));           /* OSXSAVE: the hypervisor's CR4 has it */
    assert_true(out[2] & (1u << 28));           /* AVX */
    assert_true(out[3] & (1u << 9));            /* APIC visible, as on Xen */
    assert_false(out[3] & (1u << 12));          /* no MTRR for a domU */
    assert_true(out[3] & (1u << 0));            /* FPU stays */
    assert_true(out[3] & (1u << 25));           /* SSE stays */
    cpuid_pv_filter(1, 0, host, true, out);
    assert_true(out[3] & (1u << 12));           /* dom0 sees MTRR */
    /* Without XSAVE nothing that needs its state shows: OSXSAVE, AVX, FMA, F16C. */
    host[2] &= ~(1u << 26);
    cpuid_pv_filter(1, 0, host, true, out);
    assert_int_equal(out[2] & ((1u << 12) | (0xfu << 26)), 0);
}

static void test_cpuid_xstate_leaf(void **state)
{
    const uint32_t host[4] = { 0x21f, 0xa88, 0xa88, 0 }, host1[4] = { 0xf, 0, 0, 0 };
    struct cpuid_xstate x = { .offered = 0x7, .xcr0 = 0x3, .ymm_offset = 576, .ymm_size = 256 };
    uint32_t out[4];

    (void)state;
    cpuid_pv_xstate_leaf(0, host, &x, out);
    assert_int_equal(out[0], 0x7);              /* x87, SSE, YMM; no MPX or PKRU */
    assert_int_equal(out[1], 576);              /* for XCR0 = x87|SSE */
    assert_int_equal(out[2], 832);              /* for everything offered */
    assert_int_equal(out[3], 0);
    x.xcr0 = 0x7;
    cpuid_pv_xstate_leaf(0, host, &x, out);
    assert_int_equal(out[1], 832);
    cpuid_pv_xstate_leaf(1, host1, &x, out);
    assert_int_equal(out[0], 0x7);              /* XSAVES (bit 3) stays hidden */
    cpuid_pv_xstate_leaf(2, host, &x, out);
    assert_int_equal(out[0], 256);
    assert_int_equal(out[1], 576);
    cpuid_pv_xstate_leaf(9, host, &x, out);     /* PKRU: not offered */
    assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
    x.offered = 0;
    cpuid_pv_xstate_leaf(0, host, &x, out);
    assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
}

static bool decode(const char *bytes, size_t n, struct pte_store *s)
{
    uint8_t buf[16] = { 0 };

    memcpy(buf, bytes, n);
    return pte_store_decode(buf, (unsigned)n, s);
}

static void test_pte_store_mov_and_xchg(void **state)
{
    struct pte_store s;

    (void)state;
    /* mov %rbp,(%rbx): Linux's native_set_pte */
    assert_true(decode("\x48\x89\x2b", 3, &s));
    assert_int_equal(s.op, OP_MOV);
    assert_int_equal(s.length, 3);
    assert_int_equal(s.size, 8);
    assert_true(s.from_register);
    assert_int_equal(s.reg, 5);
    /* xchg %r8,0x10(%rdi,%rcx,8) */
    assert_true(decode("\x4c\x87\x44\xcf\x10", 5, &s));
    assert_int_equal(s.op, OP_XCHG);
    assert_int_equal(s.length, 5);
    assert_int_equal(s.reg, 8);
    /* movq $0,(%rax): pte_clear */
    assert_true(decode("\x48\xc7\x00\x00\x00\x00\x00", 7, &s));
    assert_int_equal(s.op, OP_MOV);
    assert_false(s.from_register);
    assert_int_equal(s.imm, 0);
    assert_int_equal(s.length, 7);
}

static void test_pte_store_bit_ops(void **state)
{
    struct pte_store s;

    (void)state;
    /* ds andb $0xfd,(%r12): clear_bit(_PAGE_BIT_RW) after UP lock patching */
    assert_true(decode("\x3e\x41\x80\x24\x24\xfd", 6, &s));
    assert_int_equal(s.op, OP_AND);
    assert_int_equal(s.size, 1);
    assert_int_equal(s.imm, 0xfd);
    assert_int_equal(s.length, 6);
    /* lock btr $5,(%rdi): test_and_clear_bit(_PAGE_BIT_ACCESSED) */
    assert_true(decode("\xf0\x48\x0f\xba\x37\x05", 6, &s));
    assert_int_equal(s.op, OP_BTR);
    assert_int_equal(s.imm, 5);
    assert_int_equal(s.length, 6);
    /* lock cmpxchg %rdx,(%rsi) */
    assert_true(decode("\xf0\x48\x0f\xb1\x16", 5, &s));
    assert_int_equal(s.op, OP_CMPXCHG);
    assert_int_equal(s.reg, 2);
}

static void test_pte_store_refusals(void **state)
{
    struct pte_store s;

    (void)state;
    assert_false(decode("\x48\x89\xe8", 3, &s));       /* register destination */
    assert_false(decode("\x48\x8b\x03", 3, &s));       /* a load */
    assert_false(decode("\x48\x80\x38\x01", 4, &s));  /* cmp, not a store */
    assert_false(decode("\x48\x89\x84\x24", 4, &s));  /* truncated displacement */
    assert_false(decode("\x0f", 1, &s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_order_and_alignment),
        cmocka_unit_test(test_layout_initrd_and_memory),
        cmocka_unit_test(test_layout_p2m_at_init_p2m),
        cmocka_unit_test(test_layout_p2m_shares_tables_with_the_mapping),
        cmocka_unit_test(test_layout_unmapped_initrd),
        cmocka_unit_test(test_layout_init_p2m_refusals),
        cmocka_unit_test(test_count_tables_spanning_boundaries),
        cmocka_unit_test(test_notes_read),
        cmocka_unit_test(test_notes_refusals),
        cmocka_unit_test(test_cpuid_hypervisor_leaves),
        cmocka_unit_test(test_cpuid_leaf1_filtering),
        cmocka_unit_test(test_cpuid_xstate_leaf),
        cmocka_unit_test(test_pte_store_mov_and_xchg),
        cmocka_unit_test(test_pte_store_bit_ops),
        cmocka_unit_test(test_pte_store_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
