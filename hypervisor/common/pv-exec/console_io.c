/*
 * console_io: dom0's console is the hypervisor's serial line (writes are
 * printed as they come; reads take what was typed while input was
 * switched to dom0; VIRQ_CONSOLE tells dom0 it arrived). Other domains
 * may write, with a "(d<id>) " prefix per line as on Xen, and may not read.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/event.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/printk.h>
#include <public/xen.h>

#define CHUNK 256
/* Past this much in one call, let interrupts and other vCPUs in. */
#define WRITE_BUDGET (16 * 1024)

static bool domu_at_line_start = true;

static void emit(const struct domain *d, const char *buf, size_t len)
{
    if (d->is_privileged) {
        console_write_unlogged(buf, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (domu_at_line_start)
            printk("(d%u) ", d->id);
        printk("%c", buf[i]);
        domu_at_line_start = buf[i] == '\n';
    }
}

static long console_write(uint64_t count, uint64_t buf)
{
    struct domain *d = current_domain();
    char chunk[CHUNK];
    uint64_t done = 0;

    while (done < count) {
        size_t n = MIN(count - done, (uint64_t)CHUNK);

        if (done >= WRITE_BUDGET)
            return hypercall_continue(hypercall_regs(), CONSOLEIO_write, count - done,
                                      buf + done, 0, 0);
        if (copy_from_guest(chunk, buf + done, n))
            return -EFAULT;
        emit(d, chunk, n);
        done += n;
    }
    return 0;
}

static long console_read(uint64_t count, uint64_t buf)
{
    char chunk[CHUNK];
    size_t n;

    if (!current_domain()->is_privileged)
        return -EPERM;
    n = console_read_dom0_input(chunk, MIN(count, (uint64_t)CHUNK));
    if (n && copy_to_guest(buf, chunk, n))
        return -EFAULT;
    return (long)n;
}

static void dom0_input_arrived(void)
{
    struct domain *d = dom0();

    if (d)
        send_guest_global_virq(d, VIRQ_CONSOLE);
}

void console_io_attach_dom0(void)
{
    console_set_dom0_input_notify(dom0_input_arrived);
    console_give_input_to_dom0();
}

HYPERCALL_HANDLER(do_console_io)
{
    (void)a4, (void)a5;
    /* The hypervisor console is dom0's; other domains have their rings
     * (Xen's release builds refuse them the same way). */
    if (!current_domain()->is_privileged)
        return -EPERM;
    switch (a1) {
    case CONSOLEIO_write:
        return console_write(a2, a3);
    case CONSOLEIO_read:
        return console_read(a2, a3);
    default:
        return -ENOSYS;
    }
}
