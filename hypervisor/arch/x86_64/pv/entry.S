/*
 * Ring-0 entry and exit for PV guests.
 *
 * Guests (kernel and user alike) run in ring 3, so every entry from a
 * guest arrives on the top of this pCPU's stack block (percpu.h: TSS rsp0
 * for interrupts and exceptions; the syscall entry switches by hand), and
 * the saved struct cpu_regs frame is always at CPU_FRAME_OFFSET in it.
 * That fixed place is what lets the context switch swap one vCPU's
 * registers for another's and the exit path return from there with one
 * iretq.
 *
 * Entries from ring 0 (the idle loop, hypercall handlers, copies that
 * fault) go on to the core's do_interrupt exactly as before.
 */
#include <lintel/cpu_regs_asm.h>
#include <lintel/layout.h>
#include <lintel/percpu.h>

#define SYSCALL_STUB_SIZE 32
#define FLAT_KERNEL_CS  0xe033
#define FLAT_KERNEL_SS  0xe02b
#define VECTOR_SYSCALL  0x100

/*
 * The frame of a syscall entry, as an exception would have left it (the
 * stub already pushed ss and the guest's rsp): rflags from r11, the flat
 * kernel CS, rip from rcx, no error code, the pseudo vector.
 */
.macro SYSCALL_FRAME vector
        pushq   %r11
        pushq   $FLAT_KERNEL_CS
        pushq   %rcx
        pushq   $0
        pushq   $\vector
        SAVE_GPRS
        jmp     pv_handle_guest_entry
.endm

        .bss
        .balign 8
/* The guest's rsp while a syscall entry switches stacks, one per pCPU. */
pv_syscall_scratch:
        .skip   8 * NR_CPUS

        INTERRUPT_STUBS pv_interrupt_stubs, pv_interrupt_common

pv_interrupt_common:
        SAVE_GPRS
        testb   $3, CPU_REGS_CS(%rsp)
        /* Ring 0 was interrupted: the core handles it and we go back. */
        jz      interrupt_handle_and_return
/* rsp is a complete struct cpu_regs from the guest. */
pv_handle_guest_entry:
        cld
        movq    %rsp, %rdi
        call    pv_entry_from_guest
        jmp     pv_return_to_guest

/*
 * syscall from ring 3: a hypercall from the guest kernel, or a system call
 * from guest user mode. FMASK has cleared IF, so nothing can run on the
 * stack between the switch and the frame being complete. syscall leaves
 * no free register to find this pCPU's stack with, so each pCPU's LSTAR
 * (CSTAR) points at its own stub below, which names its stack and scratch
 * slot by address: stub n serves CPU n (smp_syscall_entry()).
 */
pv_syscall_common:
        SYSCALL_FRAME VECTOR_SYSCALL

pv_syscall_compat_common:
        SYSCALL_FRAME (VECTOR_SYSCALL + 1)

.macro SYSCALL_STUBS common
        cpu = 0
        .rept NR_CPUS
        .balign SYSCALL_STUB_SIZE
1:      movq    %rsp, pv_syscall_scratch + 8 * cpu(%rip)
        movq    cpu_stack_tops + 8 * cpu(%rip), %rsp
        pushq   $FLAT_KERNEL_SS
        pushq   pv_syscall_scratch + 8 * cpu(%rip)
        /* jmp rel32, spelled out: a relaxable jmp has no size to check. */
        .byte   0xe9
        .long   \common - (. + 4)
        .if . - 1b > SYSCALL_STUB_SIZE
        .error "syscall stub too long"
        .endif
        cpu = cpu + 1
        .endr
.endm

        .balign SYSCALL_STUB_SIZE
        .globl pv_syscall_stubs
pv_syscall_stubs:
        SYSCALL_STUBS pv_syscall_common

/* 32-bit syscall (compat mode) is not supported for 64-bit PV guests. */
        .balign SYSCALL_STUB_SIZE
        .globl pv_syscall_compat_stubs
pv_syscall_compat_stubs:
        SYSCALL_STUBS pv_syscall_compat_common

/*
 * Runs the exit work (softirqs, scheduling, event and trap bounces) and
 * returns to whichever vCPU's frame is at the top of this pCPU's stack then.
 * rsp must be that frame.
 */
        .globl pv_return_to_guest
pv_return_to_guest:
        movq    %rsp, %rdi
        call    pv_exit_work
        RESTORE_GPRS
        addq    $16, %rsp
        iretq

/* Abandons the current call chain: rdi = frame (top of this pCPU's stack). */
        .globl pv_reset_stack_and_return
pv_reset_stack_and_return:
        movq    %rdi, %rsp
        jmp     pv_return_to_guest

/* rdi = function to run on this pCPU's empty stack (never returns). */
        .globl pv_reset_stack_and_call
pv_reset_stack_and_call:
        movq    %rsp, %rax
        orq     $(CPU_STACK_SIZE - 1), %rax
        leaq    1 + CPU_FRAME_OFFSET - CPU_STACK_SIZE(%rax), %rsp
        xorl    %ebp, %ebp
        call    *%rdi
        ud2
