/*
 * CPUID once at boot. Under QEMU TCG with -cpu qemu64 much is missing
 * (no XSAVE, SMEP, SMAP, TSC-deadline or 1 GiB pages), so every user of
 * an optional feature checks here instead of assuming it.
 */
#include <lintel/cpu.h>
#include <lintel/lib.h>
#include <lintel/printk.h>
#include <lintel/x86.h>

struct cpu_features boot_cpu;

static void read_brand(void)
{
    uint32_t max_ext, r[12];

    cpuid(0x80000000, 0, &max_ext, &r[0], &r[1], &r[2]);
    if (max_ext < 0x80000004) {
        lintel_strlcpy(boot_cpu.brand, "unknown", sizeof(boot_cpu.brand));
        return;
    }
    for (unsigned i = 0; i < 3; i++)
        cpuid(0x80000002 + i, 0, &r[i * 4], &r[i * 4 + 1], &r[i * 4 + 2], &r[i * 4 + 3]);
    memcpy(boot_cpu.brand, r, 48);
    boot_cpu.brand[48] = '\0';
}

void cpu_identify(void)
{
    uint32_t max, a, b, c, d;

    cpuid(0, 0, &max, &b, &c, &d);
    memcpy(boot_cpu.vendor, &b, 4);
    memcpy(boot_cpu.vendor + 4, &d, 4);
    memcpy(boot_cpu.vendor + 8, &c, 4);
    cpuid(1, 0, &a, &b, &c, &d);
    boot_cpu.family = ((a >> 8) & 0xf) + ((a >> 8 & 0xf) == 0xf ? (a >> 20) & 0xff : 0);
    boot_cpu.model = ((a >> 4) & 0xf) | (((a >> 16) & 0xf) << 4);
    boot_cpu.stepping = a & 0xf;
    boot_cpu.tsc_deadline = c & (1u << 24);
    boot_cpu.xsave = c & (1u << 26);
    boot_cpu.x2apic = c & (1u << 21);
    boot_cpu.pcid = c & (1u << 17);
    if (max >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        boot_cpu.fsgsbase = b & (1u << 0);
        boot_cpu.smep = b & (1u << 7);
        boot_cpu.smap = b & (1u << 20);
    }
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    boot_cpu.syscall = d & (1u << 11);
    boot_cpu.nx = d & (1u << 20);
    boot_cpu.pdpe1gb = d & (1u << 26);
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a >= 0x80000007) {
        cpuid(0x80000007, 0, &a, &b, &c, &d);
        boot_cpu.invariant_tsc = d & (1u << 8);
    }
    read_brand();
    printk("CPU: %s family %u model %u stepping %u (%s)\n", boot_cpu.vendor,
           boot_cpu.family, boot_cpu.model, boot_cpu.stepping, boot_cpu.brand);
    printk("CPU features:%s%s%s%s%s%s%s%s%s%s%s\n", boot_cpu.nx ? " nx" : "",
           boot_cpu.syscall ? " syscall" : "", boot_cpu.pdpe1gb ? " pdpe1gb" : "",
           boot_cpu.tsc_deadline ? " tsc-deadline" : "",
           boot_cpu.invariant_tsc ? " invariant-tsc" : "", boot_cpu.xsave ? " xsave" : "",
           boot_cpu.smep ? " smep" : "", boot_cpu.smap ? " smap" : "",
           boot_cpu.fsgsbase ? " fsgsbase" : "", boot_cpu.pcid ? " pcid" : "",
           boot_cpu.x2apic ? " x2apic" : "");
}
