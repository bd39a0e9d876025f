/*
 * Entry point and Xen ELF notes of a Lintel PV test kernel.
 *
 * The domain builder jumps to _start in 64-bit mode, ring 3, with rsi
 * holding the virtual address of start_info and events masked; there is
 * no usable stack yet.
 */
#include <public/elfnote.h>
#include <public/features.h>

#define BOOT_STACK_SIZE (16 * 4096)

/* One Xen note: namesz, descsz, type, "Xen\0", then the 4-byte-aligned payload. */
.macro xen_note type, payload:vararg
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 4
    .long 2f - 1f
    .long \type
    .asciz "Xen"
    .balign 4
1:  \payload
2:  .balign 4
    .popsection
.endm

xen_note XEN_ELFNOTE_GUEST_OS,        .asciz "Lintel-testkernel"
xen_note XEN_ELFNOTE_GUEST_VERSION,   .asciz "1"
xen_note XEN_ELFNOTE_XEN_VERSION,     .asciz "xen-3.0"
xen_note XEN_ELFNOTE_LOADER,          .asciz "generic"
xen_note XEN_ELFNOTE_PAE_MODE,        .asciz "yes"
xen_note XEN_ELFNOTE_VIRT_BASE,       .quad KERNEL_VIRT_BASE
xen_note XEN_ELFNOTE_PADDR_OFFSET,    .quad 0
xen_note XEN_ELFNOTE_ENTRY,           .quad _start
xen_note XEN_ELFNOTE_HYPERCALL_PAGE,  .quad hypercall_page
/* Nothing is required of the hypervisor beyond plain 64-bit PV. */
xen_note XEN_ELFNOTE_FEATURES,        .asciz "pae_pgdir_above_4gb"
/* Declaring dom0 support lets Xen accept the kernel as the initial domain. */
xen_note XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << XENFEAT_dom0)

    .section .text.entry, "ax"
    .code64
    .globl _start
_start:
    cld
    lea boot_stack_top(%rip), %rsp
    /* rsi (start_info) becomes kernel_main's first argument. */
    mov %rsi, %rdi
    call kernel_main
    /* kernel_main shuts the domain down; if that failed, spin (hlt would #GP in ring 3). */
1:  pause
    jmp 1b

    .section .bss
    .balign 4096
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:
