/*
 * multicall: a batch of hypercalls in one entry. Each entry's result is
 * written back on its own; a bad entry fails alone. Multicalls do not
 * nest, and iret (which rewrites the caller's frame) is refused.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/percpu.h>
#include <public/xen.h>

#define MULTICALL_BUDGET 64

static DEFINE_PER_CPU(bool, in_multicall);

static long run_entry(struct multicall_entry *e, bool *continued)
{
    *continued = false;
    if (e->op == __HYPERVISOR_multicall || e->op == __HYPERVISOR_iret)
        return -EINVAL;
    if (e->op >= NR_HYPERCALLS || !hypercall_table[e->op].fn)
        return -ENOSYS;
    return hypercall_run_nested(hypercall_table[e->op].fn, (uint64_t *)e->args, continued);
}

HYPERCALL_HANDLER(do_multicall)
{
    struct multicall_entry e;
    bool continued;
    long rc = 0;

    (void)a3, (void)a4, (void)a5;
    if (this_cpu(in_multicall))
        return -EINVAL;
    this_cpu(in_multicall) = true;
    for (uint64_t i = 0; i < a2; i++) {
        uint64_t addr = a1 + i * sizeof(e);

        if (i == MULTICALL_BUDGET) {
            rc = hypercall_continue(hypercall_regs(), addr, a2 - i, 0, 0, 0);
            break;
        }
        if (copy_from_guest(&e, addr, sizeof(e))) {
            rc = -EFAULT;
            break;
        }
        e.result = (uint64_t)run_entry(&e, &continued);
        if (continued) {
            /* The entry stopped part way (a long batch): it resumes with its
             * new arguments when the multicall continues from it. */
            if (copy_to_guest(addr + offsetof(struct multicall_entry, args), e.args,
                              sizeof(e.args)))
                rc = -EFAULT;
            else
                rc = hypercall_continue(hypercall_regs(), addr, a2 - i, 0, 0, 0);
            break;
        }
        if (copy_to_guest(addr + offsetof(struct multicall_entry, result), &e.result,
                          sizeof(e.result))) {
            rc = -EFAULT;
            break;
        }
    }
    this_cpu(in_multicall) = false;
    return rc;
}
