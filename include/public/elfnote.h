/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: the ELF note types a PV kernel image carries in its
 * "Xen" notes. The domain builder reads them to learn where to load the
 * kernel, where it wants the hypercall page and which features it needs.
 * String notes are NUL-terminated; numeric notes are native-width integers.
 */
#ifndef LINTEL_PUBLIC_ELFNOTE_H
#define LINTEL_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO                0
#define XEN_ELFNOTE_ENTRY               1   /* virtual entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE      2   /* virtual address the hypervisor fills */
#define XEN_ELFNOTE_VIRT_BASE           3   /* virtual address of physical 0 (+ PADDR_OFFSET) */
#define XEN_ELFNOTE_PADDR_OFFSET        4
#define XEN_ELFNOTE_XEN_VERSION         5   /* "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS            6   /* e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION       7
#define XEN_ELFNOTE_LOADER              8   /* "generic" */
#define XEN_ELFNOTE_PAE_MODE            9   /* "yes" for 64-bit */
#define XEN_ELFNOTE_FEATURES            10  /* '|'-separated names, '!' marks a required one */
#define XEN_ELFNOTE_BSD_SYMTAB          11
#define XEN_ELFNOTE_HV_START_LOW        12
#define XEN_ELFNOTE_L1_MFN_VALID        13
#define XEN_ELFNOTE_SUSPEND_CANCEL      14
#define XEN_ELFNOTE_INIT_P2M            15  /* virtual address for the p2m list */
#define XEN_ELFNOTE_MOD_START_PFN       16  /* the kernel accepts mod_start as a pfn */
#define XEN_ELFNOTE_SUPPORTED_FEATURES  17  /* 32-bit XENFEAT_* bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY        18  /* 32-bit entry for PVH guests, not PV */
#define XEN_ELFNOTE_MAX                 XEN_ELFNOTE_PHYS32_ENTRY

/* Notes in crash dumps rather than in kernel images. */
#define XEN_ELFNOTE_CRASH_INFO              0x1000001
#define XEN_ELFNOTE_CRASH_REGS              0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* LINTEL_PUBLIC_ELFNOTE_H */
