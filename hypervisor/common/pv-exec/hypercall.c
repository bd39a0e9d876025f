/*
 * Hypercall dispatch: number in rax, arguments in rdi, rsi, rdx, r10, r8,
 * result back in rax. With the boot option hypercall_trace every call is
 * logged as "hypercall d<dom>v<vcpu> <nr> <name>(<args>) = <result>".
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/hypercall.h>
#include <lintel/keyhandler.h>
#include <lintel/percpu.h>
#include <lintel/printk.h>
#include <lintel/setup.h>
#include <lintel/traps.h>
#include <public/xen.h>

/* The syscall instruction the guest re-executes after a continuation. */
#define SYSCALL_INSN_LEN 2

/* Per pCPU: each may be in a hypercall of its own vCPU. */
static DEFINE_PER_CPU(struct cpu_regs *, in_progress);
static DEFINE_PER_CPU(bool, continuation_set);
/* Set while a multicall entry runs: where its continuation goes. */
static DEFINE_PER_CPU(uint64_t *, nested_args);

struct cpu_regs *hypercall_regs(void)
{
    return this_cpu(in_progress);
}

long hypercall_run_nested(hypercall_fn fn, uint64_t args[5], bool *continued)
{
    long rc;

    this_cpu(nested_args) = args;
    this_cpu(continuation_set) = false;
    rc = fn(args[0], args[1], args[2], args[3], args[4]);
    this_cpu(nested_args) = NULL;
    *continued = this_cpu(continuation_set);
    this_cpu(continuation_set) = false;
    return rc;
}

long hypercall_continue(struct cpu_regs *regs, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4, uint64_t a5)
{
    uint64_t *nested = this_cpu(nested_args);

    if (nested) {
        nested[0] = a1, nested[1] = a2, nested[2] = a3, nested[3] = a4, nested[4] = a5;
        this_cpu(continuation_set) = true;
        return 0;
    }
    regs->rip -= SYSCALL_INSN_LEN;
    regs->rdi = a1;
    regs->rsi = a2;
    regs->rdx = a3;
    regs->r10 = a4;
    regs->r8 = a5;
    this_cpu(continuation_set) = true;
    return 0;
}

static void trace(const struct cpu_regs *regs, uint64_t nr, const uint64_t *args,
                  long result, bool continued)
{
    struct vcpu *v = current_vcpu();

    if (continued) {
        printk("hypercall d%uv%u %lu %s(%#lx, %#lx, %#lx, %#lx, %#lx) continues\n",
               v->domain->id, v->id, (unsigned long)nr, hypercall_name(nr), (unsigned long)args[0],
               (unsigned long)args[1], (unsigned long)args[2], (unsigned long)args[3],
               (unsigned long)args[4]);
        return;
    }
    printk("hypercall d%uv%u %lu %s(%#lx, %#lx, %#lx, %#lx, %#lx) = %ld%s\n",
           v->domain->id, v->id, (unsigned long)nr, hypercall_name(nr), (unsigned long)args[0],
           (unsigned long)args[1], (unsigned long)args[2], (unsigned long)args[3],
           (unsigned long)args[4], result, nr == __HYPERVISOR_iret ? " (rax restored)" : "");
    (void)regs;
}

void hypercall_dispatch(struct cpu_regs *regs)
{
    uint64_t nr = regs->rax;
    uint64_t args[5] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8 };
    long result = -ENOSYS;

    this_cpu(in_progress) = regs;
    this_cpu(continuation_set) = false;
    if (nr < NR_HYPERCALLS && hypercall_table[nr].fn)
        result = hypercall_table[nr].fn(args[0], args[1], args[2], args[3], args[4]);
    if (boot_options.hypercall_trace)
        trace(regs, nr, args, result, this_cpu(continuation_set));
    /* A continuation leaves rax holding the number, for the re-execution. */
    if (!this_cpu(continuation_set))
        regs->rax = (uint64_t)result;
    this_cpu(in_progress) = NULL;
}

/*
 * A hang seen long after boot (dom0 spinning in some call) needs the trace
 * from that moment only: tracing from boot floods the serial line and
 * changes the timing that caused the hang.
 */
static void trace_toggle_key(char key)
{
    (void)key;
    boot_options.hypercall_trace = !boot_options.hypercall_trace;
    printk("hypercall_trace %s\n", boot_options.hypercall_trace ? "on" : "off");
}

void hypercall_register_keys(void)
{
    keyhandler_register('T', trace_toggle_key, "toggle the hypercall trace (hypercall_trace)");
}
