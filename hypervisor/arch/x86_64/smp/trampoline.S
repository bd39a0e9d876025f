/*
 * Application-processor start: real mode -> protected mode -> long mode.
 *
 * smp/boot.c copies trampoline_start..trampoline_end to TRAMPOLINE_PHYS
 * (a low page the firmware map gives as RAM and Lintel never allocates)
 * and fills in the trampoline_* slots of the copy. A STARTUP IPI starts the
 * AP at TRAMPOLINE_PHYS in real mode (CS = TRAMPOLINE_PHYS >> 4, IP = 0).
 * Its page tables (also in low memory) identity-map the first 2 MiB, so
 * this code keeps running when paging comes on, and share the hypervisor's
 * upper-half L4 slots, so it can jump to ap_start64 in the image. Every
 * address below is a link-time constant relative to trampoline_start.
 */
#include <lintel/percpu.h>
#include <lintel/smp_boot.h>

#define REL(sym)    ((sym) - trampoline_start)
#define PHYS(sym)   (TRAMPOLINE_PHYS + REL(sym))

#define SEL_CODE32  0x08
#define SEL_DATA    0x10
#define SEL_CODE64  0x18

        .section .rodata
        .balign 16
        .globl trampoline_start, trampoline_end
trampoline_start:
        .code16
        cli
        cld
        movw    %cs, %ax
        movw    %ax, %ds
        lgdtl   REL(tr_gdt_ptr)
        movl    %cr0, %eax
        orl     $1, %eax                /* PE */
        movl    %eax, %cr0
        ljmpl   $SEL_CODE32, $PHYS(tr_protected)

        .code32
tr_protected:
        movl    $SEL_DATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        movl    %cr4, %eax
        orl     $0x20, %eax             /* PAE */
        movl    %eax, %cr4
        movl    PHYS(trampoline_cr3), %eax
        movl    %eax, %cr3
        /* EFER as the boot CPU has it (LME, NXE, SCE): NX bits in the
         * hypervisor's tables are reserved-bit faults without NXE. */
        movl    $0xC0000080, %ecx
        movl    PHYS(trampoline_efer), %eax
        xorl    %edx, %edx
        wrmsr
        movl    %cr0, %eax
        orl     $0x80010001, %eax       /* PG, WP, PE */
        movl    %eax, %cr0
        ljmpl   $SEL_CODE64, $PHYS(tr_long)

        .code64
tr_long:
        movq    trampoline_stack(%rip), %rsp
        movq    trampoline_entry(%rip), %rax
        jmpq    *%rax

        .balign 8
tr_gdt:
        .quad   0
        .quad   0x00cf9a000000ffff      /* 32-bit code */
        .quad   0x00cf92000000ffff      /* data */
        .quad   0x00af9a000000ffff      /* 64-bit code */
tr_gdt_end:
tr_gdt_ptr:
        .short  tr_gdt_end - tr_gdt - 1
        .long   PHYS(tr_gdt)

        .balign 8
        .globl trampoline_cr3, trampoline_efer, trampoline_stack, trampoline_entry
trampoline_cr3:     .quad 0
trampoline_efer:    .quad 0
trampoline_stack:   .quad 0
trampoline_entry:   .quad 0
trampoline_end:

/* First code of an AP in the image: on its own stack block, still on the
 * trampoline's GDT and page tables (ap_start switches to its own). */
        .text
        .globl ap_start64
ap_start64:
        xorl    %ebp, %ebp              /* ends stack traces here */
        call    ap_start
1:      cli
        hlt
        jmp     1b
