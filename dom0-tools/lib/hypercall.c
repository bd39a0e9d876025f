/* The raw hypercall path: one ioctl on /dev/xen/privcmd per call. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/types.h>
#include <xen/privcmd.h>

#include "xenctl.h"

long xenctl_hypercall(struct xenctl *ctl, unsigned op, uint64_t a0, uint64_t a1,
                      uint64_t a2, uint64_t a3, uint64_t a4)
{
    struct privcmd_hypercall call = {
        .op = op,
        .arg = { a0, a1, a2, a3, a4 },
    };
    long rc = ioctl(ctl->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &call);

    /* privcmd turns a negative hypercall result into -1 with errno set. */
    return rc < 0 ? -errno : rc;
}
