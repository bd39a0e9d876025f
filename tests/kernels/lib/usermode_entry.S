/*
 * user_call and the syscall callback that ends it; see usermode.h.
 *
 * user_call keeps the kernel's stack pointer, builds an iret frame whose
 * code selector has RPL 3 (that is what makes the hypervisor switch to
 * user mode) and jumps to the iret stub. The syscall from user mode comes
 * back on the stack_switch stack in kernel mode; syscall_callback drops
 * that frame and resumes user_call's caller with rax as the result.
 * An echo syscall instead goes straight back to user mode.
 */
#include <public/xen.h>

#include "lib/usermode.h"

    .text
    .globl user_call
user_call:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, user_call_saved_rsp(%rip)
    pushq $FLAT_USER_SS
    push %rsi                       /* user rsp */
    pushq $0x2                      /* rflags: IF clear keeps events masked */
    pushq $FLAT_USER_CS
    push %rdi                       /* user rip */
    pushq $0                        /* iret flags */
    jmp hypercall_page + __HYPERVISOR_iret * 32

    .globl syscall_callback
syscall_callback:
    cmp $USER_SYSCALL_ECHO, %rdi
    jne end_user_call
    lock incq user_echo_syscalls(%rip)
    /*
     * The frame holds the user's rcx and r11 (return address and flags, as
     * the syscall instruction left them), then rip, cs, rflags, rsp, ss.
     * Returning with VGCF_in_syscall is the sysret-style exit Linux uses.
     */
    pop %rcx
    pop %r11
    pushq $VGCF_in_syscall
    jmp hypercall_page + __HYPERVISOR_iret * 32

end_user_call:
    mov user_call_saved_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

    .section .bss
    .balign 8
user_call_saved_rsp:
    .quad 0
    .globl user_echo_syscalls
user_echo_syscalls:
    .quad 0
