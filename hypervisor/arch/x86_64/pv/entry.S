/*
 * Ring-0 entry and exit for PV guests.
 *
 * Guests (kernel and user alike) run in ring 3, so every entry from a
 * guest arrives on the top of pv_stack (TSS rsp0 for interrupts and
 * exceptions; the syscall entry switches by hand), and the saved
 * struct cpu_regs frame is always at PV_FRAME. That fixed place is what
 * lets the context switch swap one vCPU's registers for another's and the
 * exit path return from there with one iretq.
 *
 * Entries from ring 0 (the idle loop, hypercall handlers, copies that
 * fault) go on to the core's do_interrupt exactly as before.
 */
#include <lintel/layout.h>

#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

#define PV_STACK_SIZE   0x8000
#define FRAME_SIZE      (22 * 8)
#define FRAME_CS        (18 * 8)
#define FLAT_KERNEL_CS  0xe033
#define FLAT_KERNEL_SS  0xe02b
#define VECTOR_SYSCALL  0x100

.macro SAVE_GPRS
        pushq   %rdi
        pushq   %rsi
        pushq   %rdx
        pushq   %rcx
        pushq   %rax
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %rbx
        pushq   %rbp
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
.endm

.macro RESTORE_GPRS
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbp
        popq    %rbx
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rax
        popq    %rcx
        popq    %rdx
        popq    %rsi
        popq    %rdi
.endm

        .bss
        .balign 4096
        .globl pv_stack, pv_stack_top
pv_stack:
        .skip   PV_STACK_SIZE
pv_stack_top:
        .balign 8
pv_syscall_scratch:
        .skip   8

        .text
        .align 16
        .globl pv_interrupt_stubs
pv_interrupt_stubs:
        vector = 0
        .rept 256
        .align 16
        .if !HAS_ERROR_CODE(vector)
        pushq   $0
        .endif
        pushq   $vector
        jmp     pv_interrupt_common
        vector = vector + 1
        .endr

pv_interrupt_common:
        SAVE_GPRS
        cld
        movq    %rsp, %rdi
        testb   $3, FRAME_CS(%rsp)
        jnz     1f
        /* Ring 0 was interrupted: the core handles it and we go back. */
        movq    %rsp, %rbx
        andq    $-16, %rsp
        call    do_interrupt
        movq    %rbx, %rsp
        RESTORE_GPRS
        addq    $16, %rsp
        iretq
1:      call    pv_entry_from_guest
        jmp     pv_return_to_guest

/*
 * syscall from ring 3: a hypercall from the guest kernel, or a system call
 * from guest user mode. FMASK has cleared IF, so nothing can run on
 * pv_stack between the switch and the frame being complete.
 */
        .globl pv_syscall_entry
pv_syscall_entry:
        movq    %rsp, pv_syscall_scratch(%rip)
        leaq    pv_stack_top(%rip), %rsp
        pushq   $FLAT_KERNEL_SS
        pushq   pv_syscall_scratch(%rip)
        pushq   %r11
        pushq   $FLAT_KERNEL_CS
        pushq   %rcx
        pushq   $0
        pushq   $VECTOR_SYSCALL
        SAVE_GPRS
        cld
        movq    %rsp, %rdi
        call    pv_entry_from_guest
        jmp     pv_return_to_guest

/* 32-bit syscall (compat mode) is not supported for 64-bit PV guests. */
        .globl pv_syscall_compat_entry
pv_syscall_compat_entry:
        movq    %rsp, pv_syscall_scratch(%rip)
        leaq    pv_stack_top(%rip), %rsp
        pushq   $FLAT_KERNEL_SS
        pushq   pv_syscall_scratch(%rip)
        pushq   %r11
        pushq   $FLAT_KERNEL_CS
        pushq   %rcx
        pushq   $0
        pushq   $(VECTOR_SYSCALL + 1)
        SAVE_GPRS
        cld
        movq    %rsp, %rdi
        call    pv_entry_from_guest
        jmp     pv_return_to_guest

/*
 * Runs the exit work (softirqs, scheduling, event and trap bounces) and
 * returns to whichever vCPU's frame is at the top of pv_stack then.
 * rsp must be that frame.
 */
        .globl pv_return_to_guest
pv_return_to_guest:
        movq    %rsp, %rdi
        call    pv_exit_work
        RESTORE_GPRS
        addq    $16, %rsp
        iretq

/* Abandons the current call chain: rdi = frame (top of pv_stack). */
        .globl pv_reset_stack_and_return
pv_reset_stack_and_return:
        movq    %rdi, %rsp
        jmp     pv_return_to_guest

/* rdi = function to run on an empty pv_stack (never returns). */
        .globl pv_reset_stack_and_call
pv_reset_stack_and_call:
        leaq    pv_stack_top - FRAME_SIZE(%rip), %rsp
        xorl    %ebp, %ebp
        call    *%rdi
        ud2
