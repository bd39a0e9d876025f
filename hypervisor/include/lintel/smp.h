/*
 * Several pCPUs: bring-up of the application processors, who is online,
 * and inter-processor interrupts (kicks, cross-CPU calls, TLB shootdown).
 * Per-CPU data and "which CPU am I" are in percpu.h.
 */
#ifndef LINTEL_SMP_H
#define LINTEL_SMP_H

#include <lintel/percpu.h>
#include <lintel/types.h>

/* One bit per CPU number (NR_CPUS <= 64). */
typedef uint64_t cpumask_t;
#define CPUMASK_CPU(cpu)    ((cpumask_t)1 << (cpu))

/* IPI vectors (below the APIC timer's 0xf0 priority class is not needed:
 * all run with interrupts on or are polled, see ipi.c). */
#define VECTOR_IPI_KICK     0xf8
#define VECTOR_IPI_CALL     0xf9

struct cpu_regs;
struct domain;

/* CPUs that finished bring-up and take IPIs. */
cpumask_t cpu_online_mask(void);
bool cpu_is_online(unsigned cpu);
unsigned nr_online_cpus(void);
/* Number of CPUs the firmware lists (online or not): physinfo's nr_cpus. */
unsigned nr_present_cpus(void);
uint32_t cpu_apic_id(unsigned cpu);

/* The stack block of a CPU and the places in it entry code relies on. */
uintptr_t cpu_stack_block(unsigned cpu);
uint64_t cpu_stack_top(unsigned cpu);
struct cpu_regs *this_cpu_guest_frame(void);
/* Bring-up: cpu's stack block (CPU_STACK_SIZE, aligned) gets its cpu_info. */
void smp_set_stack_block(unsigned cpu, uintptr_t block);
/* LSTAR/CSTAR for this CPU (arch/x86_64/pv/entry.S's per-CPU stubs). */
uint64_t smp_syscall_entry(unsigned cpu, bool compat);

/* Boot: the APs per the MADT, honouring nosmp and maxcpus=. */
void smp_boot_cpus(void);
void smp_register_keys(void);
/* Marks cpu online (bring-up, and the boot CPU first of all). */
void smp_mark_online(unsigned cpu, uint32_t apic_id);

/*
 * IPIs. A kick makes the target run its softirqs and scheduler before it
 * next returns to a guest (or leave hlt); softirq_raise_on() uses it.
 */
void smp_send_kick(unsigned cpu);
/* Runs fn(data) on every CPU of mask that is online (this one included,
 * directly); with wait, returns once all have finished. Interrupts must be
 * enabled (a CPU spinning with them off could not answer a peer's call). */
void smp_call_function_mask(cpumask_t mask, void (*fn)(void *data), void *data,
                            bool wait);
/* Flushes the non-global TLB entries of every CPU in mask and waits. */
void flush_tlb_mask(cpumask_t mask);
/* The pCPUs that may hold TLB entries of d's page tables: those running
 * one of its vCPUs now (d NULL: running any guest). */
cpumask_t domain_dirty_cpus(const struct domain *d);
/* Flushes those and this pCPU. */
void flush_tlb_domain(const struct domain *d);
void flush_tlb_guests(void);

/* do_interrupt: true if vector is one of ours (then it is acknowledged). */
bool smp_handle_ipi(unsigned vector);
/* Runs a cross-CPU call aimed at this CPU, if one waits: for code that must
 * spin with interrupts off while a peer may be calling it. */
void smp_poll_calls(void);
/* IPIs sent and handled by this CPU (debug key, tests). */
void smp_ipi_counts(unsigned cpu, uint64_t *kicks, uint64_t *calls);

#endif
