/*
 * One stub per vector. Stubs for vectors where the CPU pushes no error
 * code push a zero, so every frame has the struct cpu_regs layout.
 */
#include <lintel/layout.h>

#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .align 16
        .globl interrupt_stubs
interrupt_stubs:
        vector = 0
        .rept 256
        .align 16
        .if !HAS_ERROR_CODE(vector)
        pushq   $0
        .endif
        pushq   $vector
        jmp     interrupt_common
        vector = vector + 1
        .endr

interrupt_common:
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
        cld
        movq    %rsp, %rdi
        /* Keep the ABI's 16-byte alignment whatever the CPU pushed. */
        movq    %rsp, %rbx
        andq    $-16, %rsp
        call    do_interrupt
        movq    %rbx, %rsp
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
        addq    $16, %rsp               /* vector and error code */
        iretq
