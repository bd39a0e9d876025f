/*
 * Weak stand-ins for handlers whose owners have not linked theirs yet
 * (see hypercall_handlers.h). They refuse with -ENOSYS, as Xen does for a
 * hypercall it lacks, so a guest sees an honest "not implemented"; the
 * owner's strong definition replaces them at link time.
 */
#include <lintel/errno.h>
#include <lintel/hypercall_handlers.h>

#define NOT_YET_LINKED(name)                                                  \
    __attribute__((weak)) HYPERCALL_HANDLER(name)                             \
    {                                                                         \
        (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;                     \
        return -ENOSYS;                                                       \
    }

NOT_YET_LINKED(do_mmu_update)
NOT_YET_LINKED(do_update_va_mapping)
NOT_YET_LINKED(do_update_va_mapping_otherdomain)
NOT_YET_LINKED(do_mmuext_op)
NOT_YET_LINKED(do_memory_op)
NOT_YET_LINKED(do_event_channel_op)
NOT_YET_LINKED(do_set_timer_op)
NOT_YET_LINKED(do_grant_table_op)
NOT_YET_LINKED(do_sysctl)
NOT_YET_LINKED(do_domctl)
