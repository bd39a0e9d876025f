/*
 * start_lintel: the C entry from head.S. The order matters: the console
 * first (so everything after can report), traps next (so faults during
 * the rest produce crash reports), then memory, then time.
 */
#include <lintel/acpi.h>
#include <lintel/apic.h>
#include <lintel/bootinfo.h>
#include <lintel/cmdline.h>
#include <lintel/domain.h>
#include <lintel/cpu.h>
#include <lintel/keyhandler.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/paging.h>
#include <lintel/physdev.h>
#include <lintel/power.h>
#include <lintel/printk.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <lintel/sched.h>
#include <lintel/serial.h>
#include <lintel/setup.h>
#include <lintel/smp.h>
#include <lintel/timer.h>
#include <lintel/traps.h>
#include <lintel/uaccess.h>
#include <lintel/version.h>
#include <lintel/x86.h>

/* The early page tables map the first 4 GiB; loaders put their data there. */
#define EARLY_MAPPED_END (4ULL << 30)

struct lintel_options boot_options;
struct boot_info boot_info;

static const void *early_boot_mem(void *ctx, uint64_t phys, size_t len)
{
    (void)ctx;
    if (phys + len < phys || phys + len > EARLY_MAPPED_END)
        return NULL;
    return phys_to_virt(phys);
}

static void report_option_problem(void *ctx, const char *message)
{
    (void)ctx;
    pr_warn("cmdline: %s\n", message);
}

static void print_banner(void)
{
    printk("\n Lintel %s - a thin hypervisor speaking Xen %s's PV ABI (x86_64)\n",
           LINTEL_VERSION, LINTEL_XEN_ABI);
    printk(" Boot options:");
    for (size_t i = 0; i < cmdline_option_count(); i++)
        printk(" %s%s", cmdline_option_name(i), i + 1 < cmdline_option_count() ? "," : "\n");
}

static void print_option_help(void)
{
    for (size_t i = 0; i < cmdline_option_count(); i++)
        pr_debug("   %-16s %s\n", cmdline_option_name(i), cmdline_option_help(i));
}

/* Multiboot1 loaders (QEMU, GRUB's "multiboot") put the image path first;
 * GRUB's multiboot2 passes only the arguments. */
static const char *hypervisor_args(const struct boot_info *bi)
{
    return bi->protocol == 1 ? cmdline_skip_image_name(bi->cmdline) : bi->cmdline;
}

const char *boot_hypervisor_args(void)
{
    return hypervisor_args(&boot_info);
}

static void apply_options(const struct boot_info *bi)
{
    unsigned problems;

    cmdline_defaults(&boot_options);
    problems = cmdline_parse(hypervisor_args(bi), &boot_options, report_option_problem,
                             NULL);
    console_set_loglevel(boot_options.loglvl);
    console_set_serial_output(boot_options.console_serial);
    if (boot_options.com1_baud != 115200)
        serial_set_baud(boot_options.com1_baud);
    power_set_noreboot(boot_options.noreboot);
    printk("Command line: %s%s\n", hypervisor_args(bi),
           problems ? " (problems reported above; those options were ignored)" : "");
    if (boot_options.hypercall_trace)
        printk("hypercall_trace: every hypercall will be logged\n");
}

static void print_memmap(const struct boot_info *bi)
{
    uint64_t ram = 0;

    printk("Boot loader: %s (multiboot%u)\n", bi->loader[0] ? bi->loader : "unnamed",
           bi->protocol);
    printk("Physical memory map:\n");
    for (unsigned i = 0; i < bi->memmap_count; i++) {
        const struct boot_memmap_entry *e = &bi->memmap[i];
        printk("  %016lx - %016lx (%s)\n", (unsigned long)e->addr,
               (unsigned long)(e->addr + e->len), memmap_type_name(e->type));
        if (e->type == MEMMAP_RAM)
            ram += e->len;
    }
    printk("  RAM: %lu MiB\n", (unsigned long)(ram >> 20));
}

static __noreturn void stop_boot(const char *why)
{
    pr_err("Lintel: %s; cannot continue\n", why);
    machine_stop_after_crash();
}

void start_lintel(uint32_t magic, uint32_t info_phys);
static __noreturn void start_dom0(const struct boot_info *bi);
static __noreturn void run_without_dom0(void);

void start_lintel(uint32_t magic, uint32_t info_phys)
{
    char err[160];

    serial_init();
    traps_init();
    if (bootinfo_parse(magic, info_phys, early_boot_mem, NULL, &boot_info, err,
                       sizeof(err))) {
        print_banner();
        pr_err("%s\n", err);
        stop_boot("the boot loader's information is unusable");
    }
    print_banner();
    apply_options(&boot_info);
    print_option_help();
    cpu_identify();
    print_memmap(&boot_info);
    boot_modules_print(&boot_info);

    mm_init(&boot_info);
    paging_init(&boot_info);
    heap_setup();
    exception_fixup_selftest();
    printk("Memory: %lu MiB free for domains and the heap\n",
           (unsigned long)(frame_allocator.free_frames >> 8));
    mm_print_footprint();

    keyhandler_init();
    traps_register_keys();
    idle_register_keys();
    acpi_init(&boot_info);
    pic_disable();
    time_init();
    apic_init();
    physdev_init();
    timers_init();
    console_start_input_polling();
    local_irq_enable();
    smp_boot_cpus();

    if (boot_options.nodom0)
        run_without_dom0();
    if (!dom0_kernel_module_ok(&boot_info))
        stop_boot("dom0 cannot be started");
    start_dom0(&boot_info);
}

static __noreturn void run_without_dom0(void)
{
    printk("Lintel: ready\n");
    printk("Lintel: nodom0 given: running without dom0 (serial debug keys: 'h' for help)\n");
    idle_loop();
}

/* The end of boot: dom0 is built, unpaused, and the scheduler takes over. */
static __noreturn void start_dom0(const struct boot_info *bi)
{
    struct domain *d;

    pv_exec_init();
    pv_mm_init();
    domain_register_keys();
    d = dom0_build(bi);
    if (!d)
        stop_boot("dom0 cannot be started");
    console_io_attach_dom0();
    printk("Lintel: ready\n");
    domain_unpause(d);
    sched_start();
}
