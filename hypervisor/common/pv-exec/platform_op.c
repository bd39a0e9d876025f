/*
 * platform_op: the dom0-only platform interface. Only the interface
 * version check and refusals exist yet; Linux treats -ENOSYS from the
 * sub-ops it tries (settime, firmware info, cpu info) as "not provided".
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <public/platform.h>

#ifndef EACCES
#define EACCES 13
#endif

HYPERCALL_HANDLER(do_platform_op)
{
    uint32_t head[2];

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (!current_domain()->is_privileged)
        return -EPERM;
    if (copy_from_guest(head, a1, sizeof(head)))
        return -EFAULT;
    if (head[1] != XENPF_INTERFACE_VERSION)
        return -EACCES;
    return -ENOSYS;
}
