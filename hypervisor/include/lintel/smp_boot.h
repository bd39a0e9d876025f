/*
 * AP start-up, shared by arch/x86_64/smp/boot.c and trampoline.S: where the
 * trampoline and its page tables live in low memory. 0x8000-0xbfff is
 * below 1 MiB, which Lintel never allocates (mm.c), and is RAM on PCs;
 * the boot loader's data there was copied into struct boot_info at boot.
 */
#ifndef LINTEL_SMP_BOOT_H
#define LINTEL_SMP_BOOT_H

#define TRAMPOLINE_PHYS     0x8000
#define TRAMPOLINE_L4_PHYS  0x9000
#define TRAMPOLINE_L3_PHYS  0xa000
#define TRAMPOLINE_L2_PHYS  0xb000

#endif
