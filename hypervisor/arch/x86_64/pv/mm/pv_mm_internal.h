/*
 * What the PV memory manager's ring-0 files share: one lock over every
 * page-type and domain-memory change (types chain across frames of a whole
 * tree, so finer locks would have to nest in tree order), the frame-table
 * environment of the pure state machine, and the flush bookkeeping.
 */
#ifndef PV_MM_INTERNAL_H
#define PV_MM_INTERNAL_H

#include <lintel/domain.h>
#include <lintel/page_type.h>
#include <lintel/spinlock.h>

extern spinlock_t pv_mm_lock;

/* The pure state machine's view of the real frame table (lock held). */
const struct pt_env *pv_mm_env(void);

static inline struct pt_owner pv_mm_owner(const struct domain *d)
{
    return (struct pt_owner){ .id = d->id, .io_ok = d->is_privileged };
}

/* Whether a long hypercall should stop and continue (Xen's
 * hypercall_preempt_check): softirqs pending or an event to deliver. */
bool pv_mm_should_preempt(void);
/* Pins and new roots from the guest's mmuext_op: validation may stop with
 * -PT_ERESTART, to be continued by re-executing the same operation. */
int pv_pin_table_preemptible(struct domain *d, mfn_t mfn, unsigned level);
int pv_set_root_preemptible(struct vcpu *v, mfn_t l4_mfn, bool user);

/* Local TLB flushes; a frame that stopped being writable makes the next
 * table validation flush first. */
void pv_flush_tlb_local(void);
void pv_invlpg_local(uint64_t va);

#endif
