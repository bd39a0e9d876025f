/*
 * Boot entry. Both loaders (QEMU -kernel speaking multiboot1, GRUB speaking
 * multiboot2) enter start32 in 32-bit protected mode with paging off, the
 * magic in %eax and the physical address of the boot information in %ebx.
 *
 * The image is linked at HV_IMAGE_VIRT_BASE + physical address, so until
 * paging is on every absolute address has to be converted with PA().
 * The early page tables built here map the first 4 GiB three times:
 * identity (to survive the switch), the direct map and the image window.
 * C code replaces them with the final tables once it knows the memory map.
 */
#include <lintel/layout.h>
#include <lintel/percpu.h>

#define PA(x) ((x) - HV_IMAGE_VIRT_BASE)

#define MB1_MAGIC       0x1BADB002
/* page-align modules, want the memory map, load addresses in the header */
#define MB1_FLAGS       0x00010003
#define MB2_MAGIC       0xE85250D6

#define EARLY_GDT_CS64  0x08
#define EARLY_GDT_DS    0x10

        .section .boot.header, "a"
        .align 4
multiboot1_header:
        .long MB1_MAGIC
        .long MB1_FLAGS
        .long -(MB1_MAGIC + MB1_FLAGS)
        .long PA(multiboot1_header)
        .long PA(_start)
        .long PA(_edata)
        .long PA(_end)
        .long PA(start32)

        .align 8
multiboot2_header:
        .long MB2_MAGIC
        .long 0                         /* i386 protected mode */
        .long multiboot2_header_end - multiboot2_header
        .long -(MB2_MAGIC + (multiboot2_header_end - multiboot2_header))
        .align 8
        .short 2, 0                     /* address tag */
        .long 24
        .long PA(multiboot2_header)
        .long PA(_start)
        .long PA(_edata)
        .long PA(_end)
        .align 8
        .short 3, 0                     /* entry address tag */
        .long 12
        .long PA(start32)
        .align 8
        .short 0, 0                     /* end tag */
        .long 8
multiboot2_header_end:

        .section .boot.text, "ax"
        .code32
        .globl start32
start32:
        cli
        cld
        movl    %eax, PA(boot_loader_magic)
        movl    %ebx, PA(boot_loader_info)
        movl    $PA(boot_stack + CPU_FRAME_OFFSET), %esp

        /* Long mode is mandatory; without it there is nothing we can do. */
        movl    $0x80000000, %eax
        cpuid
        cmpl    $0x80000001, %eax
        jb      no_long_mode
        movl    $0x80000001, %eax
        cpuid
        btl     $29, %edx
        jnc     no_long_mode
        movl    %edx, PA(boot_ext_features_edx)

        /* Zero the early tables: a loader need not clear .bss for us. */
        movl    $PA(early_pml4), %edi
        movl    $(7 * 4096 / 4), %ecx
        xorl    %eax, %eax
        rep stosl

        /* PML4: identity, image window (slot 261), direct map (slot 262). */
        movl    $PA(early_pdpt_low), %eax
        orl     $3, %eax
        movl    %eax, PA(early_pml4)
        movl    %eax, PA(early_pml4) + 262 * 8
        movl    $PA(early_pdpt_image), %eax
        orl     $3, %eax
        movl    %eax, PA(early_pml4) + 261 * 8

        /* Four page directories cover 0-4 GiB with 2 MiB pages. */
        movl    $PA(early_pd), %eax
        orl     $3, %eax
        movl    %eax, PA(early_pdpt_low)
        movl    %eax, PA(early_pdpt_image) + 321 * 8
        addl    $4096, %eax
        movl    %eax, PA(early_pdpt_low) + 8
        addl    $4096, %eax
        movl    %eax, PA(early_pdpt_low) + 16
        addl    $4096, %eax
        movl    %eax, PA(early_pdpt_low) + 24

        movl    $PA(early_pd), %edi
        movl    $0x83, %eax             /* present, writable, 2 MiB */
        movl    $2048, %ecx
1:      movl    %eax, (%edi)
        addl    $0x200000, %eax
        addl    $8, %edi
        loop    1b

        movl    %cr4, %eax
        orl     $0x20, %eax             /* PAE */
        movl    %eax, %cr4
        movl    $PA(early_pml4), %eax
        movl    %eax, %cr3

        movl    $0xC0000080, %ecx       /* EFER */
        rdmsr
        orl     $0x100, %eax            /* LME */
        btl     $20, PA(boot_ext_features_edx)
        jnc     2f
        orl     $0x800, %eax            /* NXE, so later tables may use NX */
2:      wrmsr

        movl    %cr0, %eax
        orl     $0x80010001, %eax       /* PG, WP, PE */
        movl    %eax, %cr0

        lgdt    PA(early_gdt_ptr)
        ljmp    $EARLY_GDT_CS64, $PA(start64_low)

no_long_mode:
        /* Tell whoever watches COM1, then stop. */
        movl    $PA(no_long_mode_msg), %esi
        movw    $0x3f8, %dx
3:      lodsb
        testb   %al, %al
        jz      4f
        outb    %al, %dx
        jmp     3b
4:      hlt
        jmp     4b

        .code64
start64_low:
        movabsq $start64_high, %rax
        jmp     *%rax

        .text
start64_high:
        movabsq $early_gdt_ptr_high, %rax
        lgdt    (%rax)
        movl    $EARLY_GDT_DS, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        xorl    %eax, %eax
        movl    %eax, %fs
        movl    %eax, %gs
        /* The boot CPU's stack block (percpu.h): its cpu_info (CPU 0) is in .bss. */
        leaq    boot_stack + CPU_FRAME_OFFSET(%rip), %rsp
        xorl    %ebp, %ebp              /* ends stack traces here */
        movl    boot_loader_magic(%rip), %edi
        movl    boot_loader_info(%rip), %esi
        call    start_lintel
5:      cli
        hlt
        jmp     5b

        .section .rodata
no_long_mode_msg:
        .asciz  "Lintel: this CPU has no long mode; cannot boot\r\n"

        .align 8
early_gdt:
        .quad   0
        .quad   0x00af9b000000ffff      /* 64-bit code, DPL 0 */
        .quad   0x00cf93000000ffff      /* data, DPL 0 */
early_gdt_end:

early_gdt_ptr:
        .short  early_gdt_end - early_gdt - 1
        .long   PA(early_gdt)
early_gdt_ptr_high:
        .short  early_gdt_end - early_gdt - 1
        .quad   early_gdt

        .data
        .globl boot_loader_magic, boot_loader_info, boot_ext_features_edx
boot_loader_magic:      .long 0
boot_loader_info:       .long 0
boot_ext_features_edx:  .long 0

        .section .bss.page_aligned, "aw", @nobits
        .align 4096
        .globl early_pml4
early_pml4:             .skip 4096
early_pdpt_low:         .skip 4096
early_pdpt_image:       .skip 4096
early_pd:               .skip 4 * 4096

        /* lintel.lds aligns it to CPU_STACK_SIZE. */
        .section .bss.cpu0_stack, "aw", @nobits
        .balign 4096
        .globl boot_stack
boot_stack:             .skip CPU_STACK_SIZE
