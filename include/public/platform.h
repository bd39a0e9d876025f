/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: platform_op, dom0's hypercall for host-wide
 * settings (wall clock, firmware information, physical CPUs).
 *
 * Only the sub-operations Linux's dom0 uses are described; the others
 * (memory types, microcode, EFI runtime calls, power management) are
 * absent here. The union keeps its full 128-byte size so the structure
 * matches Xen's whatever is used.
 */
#ifndef LINTEL_PUBLIC_PLATFORM_H
#define LINTEL_PUBLIC_PLATFORM_H

#include "xen.h"

/* Callers put this in xen_platform_op.interface_version; anything else is refused. */
#define XENPF_INTERFACE_VERSION 0x03000001

/* Sets the wall clock: secs.nsecs was the time when system time was system_time. */
#define XENPF_settime32 17
struct xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;
};
typedef struct xenpf_settime32 xenpf_settime32_t;

#define XENPF_settime64 62
struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;
    uint64_t system_time;
};
typedef struct xenpf_settime64 xenpf_settime64_t;

#define XENPF_settime XENPF_settime64
#define xenpf_settime xenpf_settime64
typedef struct xenpf_settime xenpf_settime_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_settime_t);

#define XENPF_platform_quirk 39
#define QUIRK_NOIRQBALANCING     1
#define QUIRK_IOAPIC_BAD_REGSEL  2
#define QUIRK_IOAPIC_GOOD_REGSEL 3
struct xenpf_platform_quirk {
    uint32_t quirk_id;
};
typedef struct xenpf_platform_quirk xenpf_platform_quirk_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_platform_quirk_t);

/* What the boot firmware told the hypervisor, entry by entry (index). */
#define XENPF_firmware_info 50
#define XEN_FW_DISK_INFO            1
#define XEN_FW_DISK_MBR_SIGNATURE   2
#define XEN_FW_VBEDDC_INFO          3
#define XEN_FW_EFI_INFO             4
#define XEN_FW_EFI_VERSION          0
#define XEN_FW_EFI_CONFIG_TABLE     1
#define XEN_FW_EFI_VENDOR           2
#define XEN_FW_EFI_MEM_INFO         3
#define XEN_FW_EFI_RT_VERSION       4
#define XEN_FW_EFI_PCI_ROM          5
#define XEN_FW_EFI_APPLE_PROPERTIES 6
#define XEN_FW_KBD_SHIFT_FLAGS      5
struct xenpf_firmware_info {
    uint32_t type;   /* XEN_FW_* */
    uint32_t index;
    union {
        struct {
            uint8_t  device;
            uint8_t  version;
            uint16_t interface_support;
            uint16_t legacy_max_cylinder;
            uint8_t  legacy_max_head;
            uint8_t  legacy_sectors_per_track;
            XEN_GUEST_HANDLE(void) edd_params;
        } disk_info;
        struct {
            uint8_t  device;
            uint32_t mbr_signature;
        } disk_mbr_signature;
        struct {
            uint8_t capabilities;
            uint8_t edid_transfer_time;
            XEN_GUEST_HANDLE(uint8) edid;
        } vbeddc_info;
        union xenpf_efi_info {
            uint32_t version;
            struct {
                uint64_t addr;
                uint32_t nent;
            } cfg;
            struct {
                uint32_t revision;
                uint32_t bufsz;
                XEN_GUEST_HANDLE(void) name;
            } vendor;
            struct {
                uint64_t addr;
                uint64_t size;
                uint64_t attr;
                uint32_t type;
            } mem;
            struct {
                uint16_t segment;
                uint8_t  bus;
                uint8_t  devfn;
                uint16_t vendor;
                uint16_t devid;
                uint64_t address;
                xen_ulong_t size;
            } pci_rom;
            struct {
                uint64_t address;
                xen_ulong_t size;
            } apple_properties;
        } efi_info;
        uint8_t kbd_shift_flags;
    } u;
};
typedef struct xenpf_firmware_info xenpf_firmware_info_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_firmware_info_t);

#define XENPF_enter_acpi_sleep 51
struct xenpf_enter_acpi_sleep {
    uint16_t val_a;   /* PM1a control value, or the sleep type with the extended flag */
    uint16_t val_b;
    uint32_t sleep_state;
#define XENPF_ACPI_SLEEP_EXTENDED 0x00000001
    uint32_t flags;
};
typedef struct xenpf_enter_acpi_sleep xenpf_enter_acpi_sleep_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_enter_acpi_sleep_t);

#define XENPF_getidletime 53
struct xenpf_getidletime {
    XEN_GUEST_HANDLE(uint8) cpumap_bitmap;  /* in: cpus asked; out: cpus answered */
    uint32_t cpumap_nr_cpus;
    XEN_GUEST_HANDLE(uint64) idletime;      /* out: ns idle, per cpu */
    uint64_t now;                           /* out: system time of the sample */
};
typedef struct xenpf_getidletime xenpf_getidletime_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_getidletime_t);

/* Physical CPU enumeration for dom0's ACPI processor driver. */
#define XENPF_get_cpuinfo 55
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;    /* in */
    uint32_t max_present;  /* out: highest present cpu id */
#define XEN_PCPU_FLAGS_ONLINE  1
#define XEN_PCPU_FLAGS_INVALID 2
    uint32_t flags;
    uint32_t apic_id;
    uint32_t acpi_id;
};
typedef struct xenpf_pcpuinfo xenpf_pcpuinfo_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_pcpuinfo_t);

#define XENPF_get_cpu_version 48
struct xenpf_pcpu_version {
    uint32_t xen_cpuid;
    uint32_t max_present;
    char     vendor_id[12];
    uint32_t family;
    uint32_t model;
    uint32_t stepping;
};
typedef struct xenpf_pcpu_version xenpf_pcpu_version_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_pcpu_version_t);

#define XENPF_cpu_online  56
#define XENPF_cpu_offline 57
struct xenpf_cpu_ol {
    uint32_t cpuid;
};
typedef struct xenpf_cpu_ol xenpf_cpu_ol_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_cpu_ol_t);

struct xen_platform_op {
    uint32_t cmd;                /* XENPF_* */
    uint32_t interface_version;  /* XENPF_INTERFACE_VERSION */
    union {
        xenpf_settime_t          settime;
        xenpf_settime32_t        settime32;
        xenpf_settime64_t        settime64;
        xenpf_platform_quirk_t   platform_quirk;
        xenpf_firmware_info_t    firmware_info;
        xenpf_enter_acpi_sleep_t enter_acpi_sleep;
        xenpf_getidletime_t      getidletime;
        xenpf_pcpuinfo_t         pcpu_info;
        xenpf_pcpu_version_t     pcpu_version;
        xenpf_cpu_ol_t           cpu_ol;
        uint8_t                  pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_platform_op_t);

#endif /* LINTEL_PUBLIC_PLATFORM_H */
