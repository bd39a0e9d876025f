/*
 * copy_from_unsafe / copy_to_unsafe (see uaccess.h). Whole quadwords go
 * first (rep movsq), then the tail bytes (rep movsb): a string move costs
 * per element, and these copies carry the guest's exception and iret
 * frames. Only the two string moves can fault; each one's fixup returns
 * the number of bytes not copied (a quadword that faults counts whole).
 */
        .text
        .globl copy_from_unsafe, copy_to_unsafe
copy_from_unsafe:
copy_to_unsafe:
        movq    %rdx, %rcx
        shrq    $3, %rcx
        andl    $7, %edx
1:      rep movsq
        movl    %edx, %ecx
2:      rep movsb
3:      movq    %rcx, %rax
        ret
/* A fault in the quadwords: those left, and all the tail. */
4:      leaq    (%rdx, %rcx, 8), %rax
        ret

        .section .ex_table, "a"
        .balign 8
        .quad   1b, 4b
        .quad   2b, 3b
