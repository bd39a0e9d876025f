/*
 * One stub per vector. Stubs for vectors where the CPU pushes no error
 * code push a zero, so every frame has the struct cpu_regs layout.
 */
#include <lintel/cpu_regs_asm.h>
#include <lintel/layout.h>

        INTERRUPT_STUBS interrupt_stubs, interrupt_common

interrupt_common:
        SAVE_GPRS
/*
 * rsp is a complete struct cpu_regs from ring 0: the core handles it and
 * we go back. PV's entry path comes here for what interrupted ring 0 too.
 */
        .globl interrupt_handle_and_return
interrupt_handle_and_return:
        cld
        movq    %rsp, %rdi
        /* Keep the ABI's 16-byte alignment whatever the CPU pushed. */
        movq    %rsp, %rbx
        andq    $-16, %rsp
        call    do_interrupt
        movq    %rbx, %rsp
        RESTORE_GPRS
        addq    $16, %rsp               /* vector and error code */
        iretq
