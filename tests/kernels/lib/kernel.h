/*
 * Services every PV test kernel gets from lib/: the boot information,
 * console output, a mapping of shared_info, and the way out.
 */
#ifndef TESTKERNEL_KERNEL_H
#define TESTKERNEL_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include <public/xen.h>

#include "hypercall.h"
#include "testfw.h"

#define PAGE_SIZE 4096UL

/* Where kernel.lds links us (VIRT_BASE); virtual = base + pseudo-physical. */
#define KERNEL_VIRT_BASE_ADDR 0xffffffff80000000UL

/* PTE bits the tests use when they build mappings. */
#define PTE_PRESENT  0x001UL
#define PTE_WRITABLE 0x002UL
#define PTE_USER     0x004UL
#define PTE_ACCESSED 0x020UL
#define PTE_DIRTY    0x040UL

extern start_info_t *start_info;

/* Each test kernel names itself; printed in the banner. */
extern const char kernel_name[];

/* SIF_INITDOMAIN: dom0 writes with console_io, a domU through its console ring. */
int running_as_dom0(void);

void console_write(const char *text, size_t len);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Maps start_info->shared_info (a machine address) into our own address space. */
shared_info_t *shared_info_map(void);

/* Nanoseconds since boot, from vcpu 0's pvclock parameters and the TSC. */
uint64_t system_time_ns(void);

/* Machine frame behind one of our virtual addresses, via the p2m list. */
unsigned long virt_to_mfn(const void *va);

/*
 * Reports a failure the run cannot continue after (e.g. an unexpected
 * trap), prints the failing verdict and ends the domain.
 */
void kernel_abort(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Ends the domain (kernel_main: dom0 reboots, a domU powers off). */
void shutdown(unsigned int reason) __attribute__((noreturn));

size_t string_length(const char *s);
int string_starts_with(const char *s, const char *prefix);
int string_contains(const char *haystack, const char *needle);
void *memory_set(void *dst, int value, size_t len);
void *memcpy(void *dst, const void *src, size_t len);

#endif /* TESTKERNEL_KERNEL_H */
