/*
 * The general-purpose half of struct cpu_regs (traps.h), for the entry
 * paths in assembly: SAVE_GPRS pushes the registers so that, with the
 * vector, error code and CPU frame already on the stack, rsp points at a
 * complete struct cpu_regs; RESTORE_GPRS undoes it. Both entry.S files
 * (the core's and the PV guests') use these, so the frame layout is
 * written down once, beside the struct it must match.
 */
#ifndef LINTEL_CPU_REGS_ASM_H
#define LINTEL_CPU_REGS_ASM_H

#ifdef __ASSEMBLER__

/* Offsets in struct cpu_regs. */
#define CPU_REGS_VECTOR (15 * 8)
#define CPU_REGS_CS     (18 * 8)

/* Pushed last first: r15 ends up at the lowest address, as in the struct. */
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

/* Vectors whose CPU frame carries an error code; the stubs push 0 for the rest. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

/*
 * 256 stubs, 16 bytes apart from \name: each makes the frame uniform
 * (error code, vector) and jumps to \common.
 */
.macro INTERRUPT_STUBS name, common
        .text
        .align 16
        .globl \name
\name:
        vector = 0
        .rept 256
        .align 16
        .if !HAS_ERROR_CODE(vector)
        pushq   $0
        .endif
        pushq   $vector
        jmp     \common
        vector = vector + 1
        .endr
.endm

#endif /* __ASSEMBLER__ */

#endif
