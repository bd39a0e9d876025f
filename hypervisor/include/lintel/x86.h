/* Thin wrappers around x86 instructions that C cannot express. */
#ifndef LINTEL_X86_H
#define LINTEL_X86_H

#include <lintel/types.h>

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                         uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(sub));
}

#define DEFINE_READ_CR(n)                                          \
    static inline uint64_t read_cr##n(void)                         \
    {                                                               \
        uint64_t v;                                                 \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));           \
        return v;                                                   \
    }
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)

static inline void write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void local_irq_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

static inline void local_irq_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

static inline unsigned long local_irq_save(void)
{
    unsigned long flags;
    __asm__ volatile("pushf; pop %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
    __asm__ volatile("push %0; popf" : : "r"(flags) : "memory", "cc");
}

static inline bool local_irq_enabled(void)
{
    unsigned long flags;
    __asm__ volatile("pushf; pop %0" : "=r"(flags));
    return flags & 0x200;
}

/* Waits for an interrupt with interrupts enabled, without a lost-wakeup race. */
static inline void safe_halt(void)
{
    __asm__ volatile("sti; hlt" : : : "memory");
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" : : : "memory");
}

static inline void io_delay(void)
{
    outb(0x80, 0);
}

#define MSR_EFER            0xC0000080
#define MSR_APIC_BASE       0x0000001B
#define MSR_TSC_DEADLINE    0x000006E0
#define EFER_NXE            (1UL << 11)

#endif
