#include "xenctl.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int xenctl_open(struct xenctl *ctl, const char **why)
{
    ctl->hypercall_fd = -1;
    ctl->privcmd_fd = open(XENCTL_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
    if (ctl->privcmd_fd < 0) {
        *why = errno == ENOENT ? " (not in a Xen dom0, or xen-privcmd is not loaded)"
             : errno == EACCES ? " (needs root)" : "";
        return -errno;
    }
    /* Kernels before 4.18 have no hypercall buffer device: fall back quietly. */
    ctl->hypercall_fd = open(XENCTL_HYPERCALL_PATH, O_RDWR | O_CLOEXEC);
    return 0;
}

void xenctl_close(struct xenctl *ctl)
{
    if (ctl->hypercall_fd >= 0)
        close(ctl->hypercall_fd);
    if (ctl->privcmd_fd >= 0)
        close(ctl->privcmd_fd);
    ctl->hypercall_fd = ctl->privcmd_fd = -1;
}
