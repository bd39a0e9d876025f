/*
 * Exceptions and interrupts. Any exception in ring 0 is a hypervisor bug:
 * print everything useful, then halt or reboot as noreboot says. (Guest
 * faults will be routed to their owners by the PV code, before this.)
 */
#include <lintel/apic.h>
#include <lintel/ioapic.h>
#include <lintel/keyhandler.h>
#include <lintel/physdev.h>
#include <lintel/power.h>
#include <lintel/printk.h>
#include <lintel/pv_exec.h>
#include <lintel/smp.h>
#include <lintel/softirq.h>
#include <lintel/stacktrace.h>
#include <lintel/timer.h>
#include <lintel/traps.h>
#include <lintel/uaccess.h>
#include <lintel/x86.h>

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved (15)", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error", "#VE virtualization",
    "#CP control protection", "reserved (22)", "reserved (23)", "reserved (24)",
    "reserved (25)", "reserved (26)", "reserved (27)", "#HV hypervisor injection",
    "#VC VMM communication", "#SX security", "reserved (31)",
};

static uint64_t spurious_count;
static volatile uint64_t nmi_count;
static uint64_t unexpected_count;
static bool crashing;

static void print_registers(const struct cpu_regs *r)
{
    pr_err("RIP:    %04lx:[<%016lx>]", (unsigned long)r->cs, (unsigned long)r->rip);
    {
        uint64_t off, size;
        const char *name = symbol_lookup(r->rip, &off, &size);
        if (name)
            pr_err(" %s+%#lx/%#lx", name, (unsigned long)off, (unsigned long)size);
    }
    pr_err("\nRFLAGS: %016lx   vector: %lu   error code: %#lx\n",
           (unsigned long)r->rflags, (unsigned long)r->vector,
           (unsigned long)r->error_code);
    pr_err("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    pr_err("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    pr_err("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    pr_err("r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    pr_err("r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13, r->r14);
    pr_err("r15: %016lx   cr0: %016lx   cr4: %016lx\n", r->r15, read_cr0(), read_cr4());
    pr_err("cr3: %016lx   cr2: %016lx   ss: %04lx\n", read_cr3(), read_cr2(),
           (unsigned long)r->ss);
}

static void explain_page_fault(const struct cpu_regs *r)
{
    uint64_t ec = r->error_code;

    pr_err("Faulting address: %016lx (%s %s, %s mode%s%s)\n", read_cr2(),
           ec & 0x10 ? "instruction fetch" : ec & 2 ? "write" : "read",
           ec & 1 ? "violating protection" : "of a non-present page",
           ec & 4 ? "user" : "supervisor", ec & 8 ? ", reserved bit set" : "",
           "");
}

__noreturn void crash_report(const struct cpu_regs *regs, const char *why)
{
    local_irq_disable();
    console_start_emergency();
    if (crashing) {
        pr_err("Lintel: fault while reporting a crash; stopping\n");
        machine_halt();
    }
    crashing = true;
    pr_err("\nLintel: panic: ring-0 exception %s\n", why);
    pr_err("----[ Lintel crash report: %s ]----\n", why);
    print_registers(regs);
    if (regs->vector == VECTOR_PAGE_FAULT)
        explain_page_fault(regs);
    else if (regs->vector == VECTOR_DOUBLE_FAULT || regs->vector == VECTOR_MACHINE_CHECK)
        pr_err("Faulting address: unknown for this exception (RIP above)\n");
    else
        pr_err("Faulting address: %016lx (RIP)\n", (unsigned long)regs->rip);
    pr_err("Stack trace:\n");
    stacktrace_print(regs->rip, regs->rbp);
    pr_err("----[ end of crash report ]----\n");
    machine_stop_after_crash();
}

/*
 * An NMI can arrive while this CPU holds the console lock, so the handler
 * only records it; the report is printed later from a softirq.
 */
static volatile uint8_t nmi_reason;
static volatile uint64_t nmi_rip;
static uint64_t nmi_reported;

static void handle_nmi(const struct cpu_regs *regs)
{
    nmi_reason = inb(0x61);
    nmi_rip = regs->rip;
    nmi_count++;
    softirq_raise(SOFTIRQ_NMI_REPORT);
}

static void report_nmis(void)
{
    uint64_t count = nmi_count;
    uint8_t reason = nmi_reason;

    if (count == nmi_reported)
        return;
    nmi_reported = count;
    /* Bits 6/7: I/O channel check and memory parity, from the chipset. */
    pr_warn("NMI received (count %lu, reason %#x, at %016lx)%s\n",
            (unsigned long)count, reason, (unsigned long)nmi_rip,
            reason & 0xc0 ? ": hardware error reported by the chipset" : "; ignored");
}

/* A fault in a copy helper resumes at its fixup instead of crashing. */
static bool fixed_up(struct cpu_regs *regs)
{
    uint64_t fixup;

    if (regs->vector != VECTOR_PAGE_FAULT && regs->vector != VECTOR_GP_FAULT)
        return false;
    fixup = exception_fixup_lookup(regs->rip);
    if (!fixup)
        return false;
    regs->rip = fixup;
    return true;
}

void do_interrupt(struct cpu_regs *regs)
{
    uint64_t v = regs->vector;

    if (fixed_up(regs))
        return;
    if (v == VECTOR_NMI) {
        handle_nmi(regs);
    } else if (v == 1 && pv_debug_in_hypervisor(regs)) {
        /* a guest's data breakpoint on memory we touched for it */
    } else if (v < 32) {
        crash_report(regs, exception_names[v]);
    } else if (v == VECTOR_APIC_TIMER) {
        apic_eoi();
        timer_interrupt();
    } else if (v >= VECTOR_GSI_BASE && v <= VECTOR_GSI_LAST) {
        /* A device line dom0 bound; acknowledged there. */
        physdev_gsi_interrupt((unsigned)(v - VECTOR_GSI_BASE));
    } else if (smp_handle_ipi((unsigned)v)) {
        /* acknowledged there */
    } else if (v == VECTOR_APIC_SPURIOUS || v == VECTOR_PIC1_SPURIOUS ||
               v == VECTOR_PIC2_SPURIOUS) {
        /* Spurious interrupts must not be acknowledged. */
        spurious_count++;
    } else if (v == VECTOR_APIC_ERROR) {
        pr_warn("APIC error: ESR=%#x\n", apic_read_error());
        apic_eoi();
    } else {
        unexpected_count++;
        pr_warn("unexpected interrupt on vector %#lx\n", (unsigned long)v);
        apic_eoi();
    }
}

static void interrupt_stats_key(char key)
{
    (void)key;
    printk("interrupt statistics: NMIs %lu, spurious %lu, unexpected %lu\n",
           (unsigned long)nmi_count, (unsigned long)spurious_count,
           (unsigned long)unexpected_count);
}

/* A deliberate ring-0 fault, so the crash report path can be tested. */
static volatile uintptr_t unmapped_address = 0x8;

static void crash_key(char key)
{
    printk("'%c' pressed -> deliberately faulting the hypervisor\n", key);
    *(volatile uint64_t *)unmapped_address = 0xdead;
}

void traps_register_keys(void)
{
    keyhandler_register('i', interrupt_stats_key, "dump interrupt statistics");
    keyhandler_register('C', crash_key, "crash the hypervisor (tests the crash report)");
}

void traps_init(void)
{
    descriptors_init();
    softirq_register(SOFTIRQ_NMI_REPORT, report_nmis);
}
