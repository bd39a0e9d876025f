/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: the core guest interface.
 *
 * Lintel speaks Xen 4.17's hypercall ABI, so every number and layout below
 * equals the one in Xen's public xen.h (tests/abi compares them against
 * Debian's libxen-dev). Names are the ABI's own so code compiles against
 * either; the text and structure of these headers are Lintel's.
 *
 * Usable in ring 0, in the PV test kernels and in dom0 userspace: the only
 * dependency is <stdint.h>, which freestanding compilers provide.
 *
 * Only the current interface is described (what Xen calls interface
 * version 0x00040e00); the pre-3.2 compatibility aliases are not offered.
 */
#ifndef LINTEL_PUBLIC_XEN_H
#define LINTEL_PUBLIC_XEN_H

#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#endif

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#include "arch-x86/xen.h"

#ifndef __ASSEMBLY__
DEFINE_XEN_GUEST_HANDLE(char);
__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
DEFINE_XEN_GUEST_HANDLE(int);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
DEFINE_XEN_GUEST_HANDLE(void);
DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);
__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);

/* Trailing variable-length arrays. */
#define XEN_FLEX_ARRAY_DIM
#endif

/*
 * Typed constants that stay plain numbers in assembly. Two levels, so that
 * a macro argument is expanded before the suffix is pasted on.
 */
#ifndef __ASSEMBLY__
#define __xen_mk_uint(x)   x##U
#define __xen_mk_ulong(x)  x##UL
#define __xen_mk_ullong(x) x##ULL
#define xen_mk_uint(x)     __xen_mk_uint(x)
#define xen_mk_ulong(x)    __xen_mk_ulong(x)
#define xen_mk_ullong(x)   __xen_mk_ullong(x)
#else
#define xen_mk_uint(x)   x
#define xen_mk_ulong(x)  x
#define xen_mk_ullong(x) x
#endif

/*
 * Hypercall numbers. On 64-bit PV a hypercall is a call into the hypercall
 * page at offset number * 32; the arguments go in rdi, rsi, rdx, r10, r8
 * and the result (a negative Xen errno on failure) comes back in rax.
 */
#define __HYPERVISOR_set_trap_table                0
#define __HYPERVISOR_mmu_update                    1
#define __HYPERVISOR_set_gdt                       2
#define __HYPERVISOR_stack_switch                  3
#define __HYPERVISOR_set_callbacks                 4
#define __HYPERVISOR_fpu_taskswitch                5
#define __HYPERVISOR_sched_op_compat               6  /* superseded by sched_op */
#define __HYPERVISOR_platform_op                   7
#define __HYPERVISOR_set_debugreg                  8
#define __HYPERVISOR_get_debugreg                  9
#define __HYPERVISOR_update_descriptor            10
#define __HYPERVISOR_memory_op                    12
#define __HYPERVISOR_multicall                    13
#define __HYPERVISOR_update_va_mapping            14
#define __HYPERVISOR_set_timer_op                 15
#define __HYPERVISOR_event_channel_op_compat      16  /* superseded by event_channel_op */
#define __HYPERVISOR_xen_version                  17
#define __HYPERVISOR_console_io                   18
#define __HYPERVISOR_physdev_op_compat            19  /* superseded by physdev_op */
#define __HYPERVISOR_grant_table_op               20
#define __HYPERVISOR_vm_assist                    21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                         23  /* the stub for this one never returns */
#define __HYPERVISOR_vcpu_op                      24
#define __HYPERVISOR_set_segment_base             25
#define __HYPERVISOR_mmuext_op                    26
#define __HYPERVISOR_xsm_op                       27
#define __HYPERVISOR_nmi_op                       28
#define __HYPERVISOR_sched_op                     29
#define __HYPERVISOR_callback_op                  30
#define __HYPERVISOR_xenoprof_op                  31
#define __HYPERVISOR_event_channel_op             32
#define __HYPERVISOR_physdev_op                   33
#define __HYPERVISOR_hvm_op                       34
#define __HYPERVISOR_sysctl                       35
#define __HYPERVISOR_domctl                       36
#define __HYPERVISOR_kexec_op                     37
#define __HYPERVISOR_tmem_op                      38
#define __HYPERVISOR_argo_op                      39
#define __HYPERVISOR_xenpmu_op                    40
#define __HYPERVISOR_dm_op                        41
#define __HYPERVISOR_hypfs_op                     42

/* Numbers reserved for architecture-specific hypercalls. */
#define __HYPERVISOR_arch_0                       48
#define __HYPERVISOR_arch_1                       49
#define __HYPERVISOR_arch_2                       50
#define __HYPERVISOR_arch_3                       51
#define __HYPERVISOR_arch_4                       52
#define __HYPERVISOR_arch_5                       53
#define __HYPERVISOR_arch_6                       54
#define __HYPERVISOR_arch_7                       55

/*
 * Virtual interrupts: events the hypervisor raises itself, bound to a port
 * with EVTCHNOP_bind_virq. Some are per-vcpu (TIMER, DEBUG), the rest global.
 */
#define VIRQ_TIMER      0  /* per vcpu: the singleshot or periodic timer fired */
#define VIRQ_DEBUG      1  /* per vcpu: a debug key asked for state */
#define VIRQ_CONSOLE    2  /* dom0: input arrived on the hypervisor console */
#define VIRQ_DOM_EXC    3  /* dom0: some domain shut down or crashed */
#define VIRQ_TBUF       4
#define VIRQ_DEBUGGER   6
#define VIRQ_XENOPROF   7
#define VIRQ_CON_RING   8  /* dom0: the hypervisor's console ring has new text */
#define VIRQ_PCPU_STATE 9
#define VIRQ_MEM_EVENT  10
#define VIRQ_ARGO       11
#define VIRQ_ENOMEM     12
#define VIRQ_XENPMU     13
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/*
 * mmu_update requests: the low two bits of mmu_update.ptr select the
 * command, the rest is a machine address (of a PTE, or of the frame whose
 * machine-to-physical entry is set to val for MACHPHYS_UPDATE).
 */
#define MMU_NORMAL_PT_UPDATE       0
#define MMU_MACHPHYS_UPDATE        1
#define MMU_PT_UPDATE_PRESERVE_AD  2  /* keep the hardware's accessed/dirty bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE        0  /* arg1.mfn: validate and pin as a page table of that level */
#define MMUEXT_PIN_L2_TABLE        1
#define MMUEXT_PIN_L3_TABLE        2
#define MMUEXT_PIN_L4_TABLE        3
#define MMUEXT_UNPIN_TABLE         4
#define MMUEXT_NEW_BASEPTR         5  /* arg1.mfn: new kernel-mode L4 */
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7  /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI     8  /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI        9
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11
#define MMUEXT_FLUSH_CACHE        12
#define MMUEXT_SET_LDT            13  /* arg1.linear_addr, arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR   15  /* arg1.mfn: L4 used while the guest is in user mode */
#define MMUEXT_CLEAR_PAGE         16
#define MMUEXT_COPY_PAGE          17  /* arg1.mfn destination, arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

#ifndef __ASSEMBLY__
struct mmuext_op {
    unsigned int cmd;
    union {
        xen_pfn_t     mfn;
        unsigned long linear_addr;
    } arg1;
    union {
        unsigned int nr_ents;
        XEN_GUEST_HANDLE(const_void) vcpumask;
        xen_pfn_t src_mfn;
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);
#endif

/* Flags for update_va_mapping: which flush to do, and on which vcpus. */
#define UVMF_NONE           (xen_mk_ulong(0) << 0)
#define UVMF_TLB_FLUSH      (xen_mk_ulong(1) << 0)
#define UVMF_INVLPG         (xen_mk_ulong(2) << 0)
#define UVMF_FLUSHTYPE_MASK (xen_mk_ulong(3) << 0)
#define UVMF_MULTI          (xen_mk_ulong(0) << 2)  /* the upper bits are then a vcpumask pointer */
#define UVMF_LOCAL          (xen_mk_ulong(0) << 2)
#define UVMF_ALL            (xen_mk_ulong(1) << 2)

/* console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* vm_assist: commands, then the assists a guest may switch on. */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0
#define VMASST_TYPE_4gb_segments_notify  1
#define VMASST_TYPE_writable_pagetables  2
#define VMASST_TYPE_pae_extended_cr3     3
#define VMASST_TYPE_architectural_iopl   4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict           32

/*
 * Domain ids from DOMID_FIRST_RESERVED up are never real domains; they
 * name special owners or mean "the caller" in hypercall arguments.
 */
#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF           xen_mk_uint(0x7FF0)
#define DOMID_IO             xen_mk_uint(0x7FF1)  /* owner of I/O memory */
#define DOMID_XEN            xen_mk_uint(0x7FF2)  /* owner of hypervisor pages shared read-only */
#define DOMID_COW            xen_mk_uint(0x7FF3)
#define DOMID_INVALID        xen_mk_uint(0x7FF4)
#define DOMID_IDLE           xen_mk_uint(0x7FFF)
#define DOMID_MASK           xen_mk_uint(0x7FFF)

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

struct mmu_update {
    uint64_t ptr;  /* machine address, low 2 bits = MMU_* command */
    uint64_t val;
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

/* One entry of a multicall batch; result receives that call's return value. */
struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

/*
 * Per-vcpu clock parameters, read pvclock-style: the guest retries while
 * version is odd or changed across its read, then computes
 * system_time + ((tsc - tsc_timestamp) scaled by tsc_to_system_mul/tsc_shift).
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;      /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul;
    int8_t   tsc_shift;
    uint8_t  flags;            /* XEN_PVCLOCK_* */
    uint8_t  pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

/*
 * Event delivery state for one vcpu. The hypervisor sets a port's pending
 * bit, then the word's bit in evtchn_pending_sel, then
 * evtchn_upcall_pending; the guest clears them in the reverse order.
 * evtchn_upcall_mask is the guest's "interrupts disabled" flag.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    vcpu_time_info_t time;
};
typedef struct vcpu_info vcpu_info_t;

/* The page every domain shares with the hypervisor (frame in start_info.shared_info). */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    /* The 2-level event channel bitmaps, one bit per port. */
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    /* Wall-clock time at system_time 0; wc_version follows the vcpu_time_info rule. */
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
#define xen_wc_sec_hi wc_sec_hi
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/*
 * What a PV kernel finds at rsi on entry. Addresses are guest virtual
 * unless named mfn; the page tables, this page, the p2m list (mfn_list)
 * and a boot stack lie after the kernel image in the initial mapping.
 */
struct start_info {
    char magic[32];             /* "xen-<version>-<platform>", e.g. "xen-3.0-x86_64" */
    unsigned long nr_pages;     /* pages the domain owns */
    unsigned long shared_info;  /* machine address of the shared_info page */
    uint32_t flags;             /* SIF_* */
    xen_pfn_t store_mfn;        /* xenstore ring */
    uint32_t store_evtchn;
    union {
        struct {                /* a domU's console ring */
            xen_pfn_t mfn;
            uint32_t  evtchn;
        } domU;
        struct {                /* dom0: where the dom0_vga_console_info lives in this page */
            uint32_t info_off;
            uint32_t info_size;
        } dom0;
    } console;
    unsigned long pt_base;      /* virtual address of the boot L4 */
    unsigned long nr_pt_frames;
    unsigned long mfn_list;     /* virtual address of the pfn -> mfn list */
    unsigned long mod_start;    /* initrd: virtual address, or pfn with SIF_MOD_START_PFN */
    unsigned long mod_len;
#define MAX_GUEST_CMDLINE 1024
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    /* Only when the kernel asked for the p2m elsewhere (XEN_ELFNOTE_INIT_P2M). */
    unsigned long first_p2m_pfn;
    unsigned long nr_p2m_frames;
};
typedef struct start_info start_info_t;

#endif /* !__ASSEMBLY__ */

/* start_info.flags */
#define SIF_PRIVILEGED      (1 << 0)  /* may use privileged hypercalls */
#define SIF_INITDOMAIN      (1 << 1)  /* this is dom0 */
#define SIF_MULTIBOOT_MOD   (1 << 2)  /* mod_start is a list of xen_multiboot_mod_list */
#define SIF_MOD_START_PFN   (1 << 3)  /* mod_start is a pfn, not an address */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)  /* the tools read the p2m through arch.p2m_vaddr */
#define SIF_PM_MASK         (0xFF << 8)

#ifndef __ASSEMBLY__

struct xen_multiboot_mod_list {
    uint32_t mod_start;  /* pfn-relative offsets, as for a single module */
    uint32_t mod_end;
    uint32_t cmdline;
    uint32_t pad;
};

/* dom0's view of the firmware console, pointed to by start_info.console.dom0. */
typedef struct dom0_vga_console_info {
    uint8_t video_type;
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB    0x23
#define XEN_VGATYPE_EFI_LFB     0x70
    union {
        struct {
            uint16_t font_height;
            uint16_t cursor_x, cursor_y;
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height;
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base;
            uint32_t lfb_size;
            uint8_t  red_pos, red_size;
            uint8_t  green_pos, green_size;
            uint8_t  blue_pos, blue_size;
            uint8_t  rsvd_pos, rsvd_size;
            uint32_t gbl_caps;
            uint16_t mode_attrs;
            uint16_t pad;
            uint32_t ext_lfb_base;  /* upper 32 bits of the framebuffer address */
        } vesa_lfb;
    } u;
} dom0_vga_console_info_t;
#define xen_vga_console_info   dom0_vga_console_info
#define xen_vga_console_info_t dom0_vga_console_info_t

typedef uint8_t xen_domain_handle_t[16];

typedef struct {
    uint8_t a[16];
} xen_uuid_t;

/* Builds a xen_uuid_t from the usual textual groups, bytes in big-endian order. */
#define XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6) \
    {{ ((a) >> 24) & 0xFF, ((a) >> 16) & 0xFF, ((a) >> 8) & 0xFF, (a) & 0xFF, \
       ((b) >> 8) & 0xFF, (b) & 0xFF, ((c) >> 8) & 0xFF, (c) & 0xFF, \
       ((d) >> 8) & 0xFF, (d) & 0xFF, e1, e2, e3, e4, e5, e6 }}
#define XEN_DEFINE_UUID(a, b, c, d, e1, e2, e3, e4, e5, e6) \
    ((xen_uuid_t)XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6))

/* Toolstack structures: 64-bit fields are naturally aligned on x86_64 anyway. */
#ifndef int64_aligned_t
#define int64_aligned_t int64_t
#endif
#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif

/* A bitmap (cpus, nodes) passed by the toolstack: nr_bits bits at bitmap. */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE_64(uint8) bitmap;
    uint32_t nr_bits;
};
typedef struct xenctl_bitmap xenctl_bitmap_t;

#endif /* !__ASSEMBLY__ */

#endif /* LINTEL_PUBLIC_XEN_H */
