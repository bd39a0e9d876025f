/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): a 64-bit PV
 * kernel may write a PTE with an ordinary store even though its page
 * tables are mapped read-only. Linux does this while building its direct
 * map. The store faults; we decode it, find the page-table entry it aimed
 * at through the live tables, and hand the new value to the memory
 * manager, which validates it exactly like an mmu_update. The stores
 * Linux uses on PTEs are decoded (mov, xchg, and/or, cmpxchg, bts/btr);
 * anything else keeps its #PF.
 */
#include <lintel/domain.h>
#include <lintel/guest_access.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/paging.h>
#include <lintel/pte_store.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <lintel/traps.h>
#include <lintel/x86.h>

#define PF_PRESENT 1
#define PF_WRITE   2

static uint64_t *gpr(struct cpu_regs *r, unsigned idx)
{
    uint64_t *const map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return map[idx & 15];
}

uint64_t pv_guest_va_to_maddr(struct vcpu *v, uint64_t va, bool kernel_tables)
{
    bool kernel = kernel_tables || v->pv.in_kernel;
    uint64_t table = (kernel ? v->pv.kernel_root : v->pv.user_root) << PAGE_SHIFT;

    if (!table)
        return 0;

    for (int level = 3; level >= 0; level--) {
        uint64_t e = ((const uint64_t *)phys_to_virt(table))[(va >> (12 + 9 * level)) & 511];

        if (!(e & PTE_PRESENT) || (level && (e & PTE_LARGE)))
            return 0;
        table = e & PTE_ADDR_MASK;
    }
    return table | (va & (PAGE_SIZE - 1));
}

static uint64_t size_mask(unsigned size)
{
    return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

#define RFLAGS_CF (1UL << 0)
#define RFLAGS_ZF (1UL << 6)

/* Computes the new operand value; false when a cmpxchg does not store. */
static bool apply(struct cpu_regs *regs, const struct pte_store *s, uint64_t old,
                  uint64_t *new)
{
    uint64_t src = s->from_register ? *gpr(regs, s->reg) : s->imm;

    switch (s->op) {
    case OP_MOV:
    case OP_XCHG:
        *new = src;
        return true;
    case OP_AND:
        *new = old & src;
        return true;
    case OP_OR:
        *new = old | src;
        return true;
    case OP_BTS:
    case OP_BTR: {
        uint64_t bit = 1ULL << (src & (s->size * 8 - 1));

        /* test_and_{set,clear}_bit read the old bit from CF. */
        regs->rflags = (regs->rflags & ~RFLAGS_CF) | (old & bit ? RFLAGS_CF : 0);
        *new = s->op == OP_BTS ? old | bit : old & ~bit;
        return true;
    }
    case OP_CMPXCHG:
        if ((regs->rax & size_mask(s->size)) != old) {
            regs->rax = s->size == 8 ? old : (regs->rax & ~size_mask(s->size)) | old;
            regs->rflags &= ~RFLAGS_ZF;
            return false;
        }
        regs->rflags |= RFLAGS_ZF;
        *new = src;
        return true;
    }
    return false;
}

bool pv_emulate_pt_write(struct cpu_regs *regs, uint64_t cr2)
{
    struct vcpu *v = current_vcpu();
    uint8_t insn[16];
    struct pte_store s;
    uint64_t maddr, word, old, new, mask;
    unsigned got = 0, shift;

    if ((regs->error_code & (PF_PRESENT | PF_WRITE)) != (PF_PRESENT | PF_WRITE) ||
        !v->pv.in_kernel || !pv_vm_assist_enabled(v->domain, 2))
        return false;
    while (got < sizeof(insn) && !copy_from_guest(&insn[got], regs->rip + got, 1))
        got++;
    if (!pte_store_decode(insn, got, &s) || (cr2 & 7) + s.size > 8 || (cr2 & (s.size - 1)))
        return false;
    maddr = pv_guest_va_to_maddr(v, cr2 & ~7ULL, false);
    if (!maddr)
        return false;
    /* As on Xen, only the guest's L1 tables are emulated (see
     * pv_mm_is_guest_l1); any other read-only page keeps its fault. */
    if (!pv_mm_is_guest_l1(v->domain, maddr))
        return false;
    /* The whole 8-byte entry goes to the memory manager, changed in place. */
    word = *(const volatile uint64_t *)phys_to_virt(maddr);
    shift = (cr2 & 7) * 8;
    mask = size_mask(s.size) << shift;
    old = (word & mask) >> shift;
    if (apply(regs, &s, old, &new)) {
        uint64_t updated = (word & ~mask) | ((new << shift) & mask);

        if (updated != word && pv_mm_pt_write(v->domain, maddr, updated))
            return false;
    }
    if (s.op == OP_XCHG)
        *gpr(regs, s.reg) = old;
    regs->rip += s.length;
    return true;
}
