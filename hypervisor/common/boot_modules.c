/*
 * Boot modules: module 0 is dom0's kernel, module 1 (optional) its initrd.
 * The dom0 builder consumes them later; here they are listed and the
 * kernel is checked, so that a wrong or damaged file is reported at once.
 */
#include <lintel/errno.h>
#include <lintel/kernel_image.h>
#include <lintel/lib.h>
#include <lintel/layout.h>
#include <lintel/paging.h>
#include <lintel/printk.h>
#include <lintel/setup.h>

void boot_modules_print(const struct boot_info *bi)
{
    printk("Boot modules: %u\n", bi->module_count);
    for (unsigned i = 0; i < bi->module_count; i++) {
        const struct boot_module *m = &bi->modules[i];
        printk("  module %u: %#010lx-%#010lx (%lu KiB) \"%s\"\n", i,
               (unsigned long)m->start, (unsigned long)m->end,
               (unsigned long)((m->end - m->start + 1023) >> 10), m->cmdline);
    }
}

bool dom0_kernel_module_ok(const struct boot_info *bi)
{
    const struct boot_module *m = &bi->modules[0];
    struct kernel_image k;
    char err[160];
    int rc;

    if (!bi->module_count) {
        pr_err("dom0: no kernel module given (QEMU: -initrd \"vmlinuz args\"; "
               "GRUB: module2 /vmlinuz args)\n");
        return false;
    }
    if (m->end > directmap_limit_phys()) {
        pr_err("dom0: module 0 at %#lx-%#lx lies outside mapped memory\n",
               (unsigned long)m->start, (unsigned long)m->end);
        return false;
    }
    rc = kernel_image_check(phys_to_virt(m->start), m->end - m->start, &k, err,
                            sizeof(err));
    if (rc) {
        const void *data = phys_to_virt(m->start);
        size_t size = m->end - m->start;

        if (elf_has_magic(data, size) && !strncmp(err, "ELF truncated", 13))
            pr_err("dom0: %s\n", err);
        else if (elf_has_magic(data, size))
            pr_err("dom0: module 0 is not a usable ELF64 x86_64 kernel: %s\n", err);
        else if (rc == -ENOEXEC && strncmp(err, "bzImage", 7))
            pr_err("dom0: module 0 is not an ELF or bzImage: %s\n", err);
        else
            pr_err("dom0: module 0: %s\n", err);
        return false;
    }
    if (k.format == KERNEL_ELF)
        printk("dom0: kernel is ELF64, entry %#lx, %u loadable segments, %u Xen notes\n",
               (unsigned long)k.elf.entry, k.elf.load_segments, k.elf.xen_notes);
    else
        printk("dom0: kernel is a bzImage (boot protocol %u.%02u), %s payload of "
               "%lu KiB\n", k.boot_protocol >> 8, k.boot_protocol & 0xff,
               k.compression, (unsigned long)(k.payload_length >> 10));
    return true;
}
