/*
 * copy_from_unsafe / copy_to_unsafe (see uaccess.h). The only instruction
 * that can fault is the rep movsb; its fixup returns what is left in %rcx,
 * the number of bytes not copied.
 */
        .text
        .globl copy_from_unsafe, copy_to_unsafe
copy_from_unsafe:
copy_to_unsafe:
        movq    %rdx, %rcx
1:      rep movsb
2:      movq    %rcx, %rax
        ret

        .section .ex_table, "a"
        .balign 8
        .quad   1b, 2b
