/*
 * Exception entry stubs of a PV test kernel.
 *
 * A 64-bit PV exception arrives on the guest kernel stack as
 *   rcx, r11, [error code], rip, cs, rflags, rsp, ss
 * (rcx and r11 were used by the hypervisor's sysret-like return). The stubs
 * put rcx/r11 back, add an error code where the CPU gives none, and build a
 * struct trap_frame. Return is by the iret hypercall, which wants rip, cs,
 * rflags, rsp, ss with a flags word on top; its stub pushes rcx, r11 and
 * rax itself, which is why those must hold the interrupted values.
 */
#include <public/xen.h>

#include "lib/traps.h"

.macro trap_stub vector, has_error_code
    .globl trap_entry_\vector
trap_entry_\vector:
    pop %rcx
    pop %r11
    .if \has_error_code == 0
    pushq $0
    .endif
    pushq $\vector
    jmp trap_common
.endm

    .text
trap_stub 0, 0
trap_stub 1, 0
trap_stub 2, 0
trap_stub 3, 0
trap_stub 4, 0
trap_stub 5, 0
trap_stub 6, 0
trap_stub 7, 0
trap_stub 8, 1
trap_stub 9, 0
trap_stub 10, 1
trap_stub 11, 1
trap_stub 12, 1
trap_stub 13, 1
trap_stub 14, 1
trap_stub 15, 0
trap_stub 16, 0
trap_stub 17, 1
trap_stub 18, 0
trap_stub 19, 0
trap_stub 128, 0

/*
 * The event-channel upcall arrives like an exception without an error
 * code; it shares the dispatch path under a vector number no CPU uses.
 */
    .globl event_upcall_entry
event_upcall_entry:
    pop %rcx
    pop %r11
    pushq $0
    pushq $EVENT_UPCALL_VECTOR
    jmp trap_common

trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    /* The bounce frame need not leave the stack 16-byte aligned for C. */
    mov %rsp, %rbp
    and $-16, %rsp
    call trap_dispatch
    mov %rbp, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp          /* vector and error code */
    pushq $0               /* iret flags: a normal return, not from a syscall */
    jmp hypercall_page + __HYPERVISOR_iret * 32

    .section .rodata
    .balign 8
    .globl trap_entry_table
trap_entry_table:
    .quad trap_entry_0, trap_entry_1, trap_entry_2, trap_entry_3
    .quad trap_entry_4, trap_entry_5, trap_entry_6, trap_entry_7
    .quad trap_entry_8, trap_entry_9, trap_entry_10, trap_entry_11
    .quad trap_entry_12, trap_entry_13, trap_entry_14, trap_entry_15
    .quad trap_entry_16, trap_entry_17, trap_entry_18, trap_entry_19
    .quad trap_entry_128
