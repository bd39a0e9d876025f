/* What the boot CPU supports, read once from CPUID. */
#ifndef LINTEL_CPU_H
#define LINTEL_CPU_H

#include <lintel/types.h>

struct cpu_features {
    char vendor[13];
    char brand[49];
    unsigned family, model, stepping;
    bool nx, pdpe1gb, tsc_deadline, invariant_tsc, xsave, smep, smap, fsgsbase,
         pcid, x2apic, syscall;
};

extern struct cpu_features boot_cpu;

void cpu_identify(void);

#endif
