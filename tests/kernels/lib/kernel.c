/*
 * Boot and run-time support of a PV test kernel: console output through
 * console_io, the shared_info mapping, and the test run from entry to
 * shutdown.
 */
#include "kernel.h"

#include <stdarg.h>

#include <public/sched.h>

#include "format.h"
#include "ring_console.h"

extern char _end[];
extern const struct test_case __tests_start[], __tests_end[];

start_info_t *start_info;

/* The page whose mapping we replace with shared_info; never used as memory. */
static char shared_info_window[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static shared_info_t *shared_info_mapped;

size_t string_length(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int string_starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return 0;
    return 1;
}

int string_contains(const char *haystack, const char *needle)
{
    for (; *haystack; haystack++)
        if (string_starts_with(haystack, needle))
            return 1;
    return *needle == '\0';
}

void *memory_set(void *dst, int value, size_t len)
{
    unsigned char *p = dst;
    while (len--)
        *p++ = (unsigned char)value;
    return dst;
}

/* The compiler may emit calls to these for structure copies and zeroing. */
void *memset(void *dst, int value, size_t len)
{
    return memory_set(dst, value, len);
}

void *memcpy(void *dst, const void *src, size_t len)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (len--)
        *d++ = *s++;
    return dst;
}

int running_as_dom0(void)
{
    return (start_info->flags & SIF_INITDOMAIN) != 0;
}

void console_write(const char *text, size_t len)
{
    /* Only the hypervisor's console takes console_io from dom0; a domU has a ring. */
    if (running_as_dom0())
        HYPERVISOR_console_io(CONSOLEIO_write, len, text);
    else
        ring_console_write(text, len);
}

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    size_t len;

    va_start(ap, fmt);
    len = format_v(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write(buf, len < sizeof(buf) ? len : sizeof(buf) - 1);
}

static void emit_line(const char *line)
{
    printk("%s\n", line);
}

unsigned long virt_to_mfn(const void *va)
{
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
    unsigned long pfn = ((unsigned long)va - (unsigned long)KERNEL_VIRT_BASE_ADDR) / PAGE_SIZE;
    return p2m[pfn];
}

shared_info_t *shared_info_map(void)
{
    unsigned long pte;

    if (shared_info_mapped)
        return shared_info_mapped;
    pte = start_info->shared_info | PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY;
    if (HYPERVISOR_update_va_mapping((unsigned long)shared_info_window, pte,
                                     UVMF_INVLPG) != 0)
        return 0;
    shared_info_mapped = (shared_info_t *)shared_info_window;
    return shared_info_mapped;
}

static uint64_t read_tsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t system_time_ns(void)
{
    const volatile vcpu_time_info_t *t = &shared_info_map()->vcpu_info[0].time;
    uint32_t version;
    uint64_t delta, ns;

    /* The hypervisor makes version odd while it rewrites the record. */
    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        delta = read_tsc() - t->tsc_timestamp;
        if (t->tsc_shift >= 0)
            delta <<= t->tsc_shift;
        else
            delta >>= -t->tsc_shift;
        ns = t->system_time +
             (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    return ns;
}

void shutdown(unsigned int reason)
{
    struct sched_shutdown arg = { .reason = reason };

    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &arg);
}

static struct test_run run;

/*
 * dom0 reboots: on Xen that restarts the machine and QEMU (-no-reboot)
 * exits. A domU powers off, which its toolstack reports as a clean end.
 */
static unsigned int end_of_run_reason(void)
{
    return running_as_dom0() ? SHUTDOWN_reboot : SHUTDOWN_poweroff;
}

static void print_verdict(void)
{
    char verdict[64];

    testfw_result_line(&run, verdict, sizeof(verdict));
    printk("%s\n", verdict);
}

void kernel_abort(const char *fmt, ...)
{
    char why[200];
    va_list ap;

    va_start(ap, fmt);
    format_v(why, sizeof(why), fmt, ap);
    va_end(ap);
    testfw_check(&run, 0, "kernel", 0, why, "(aborting the run)");
    print_verdict();
    shutdown(end_of_run_reason());
}

void kernel_main(start_info_t *si)
{
    start_info = si;
    printk("\n%s: Lintel PV test kernel, start_info at %p\n", kernel_name, (void *)si);
    testfw_begin(&run, emit_line);
    for (const struct test_case *tc = __tests_start; tc < __tests_end; tc++)
        testfw_run_case(&run, tc);
    print_verdict();
    shutdown(end_of_run_reason());
}
