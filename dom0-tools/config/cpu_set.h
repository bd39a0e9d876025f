/*
 * A set of physical CPUs, as written in xl's `cpus = "0-3,^2"` and
 * libvirt's `cpuset='0-3,^2'` (the two use the same list syntax).
 */
#ifndef LINTEL_CPU_SET_H
#define LINTEL_CPU_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPU_SET_MAX 512

struct cpu_set {
    uint64_t bits[CPU_SET_MAX / 64];
};

void cpu_set_clear(struct cpu_set *set);
void cpu_set_add(struct cpu_set *set, unsigned cpu);
void cpu_set_remove(struct cpu_set *set, unsigned cpu);
bool cpu_set_has(const struct cpu_set *set, unsigned cpu);
bool cpu_set_is_empty(const struct cpu_set *set);
unsigned cpu_set_count(const struct cpu_set *set);
/* Highest member, or -1 for an empty set. */
int cpu_set_last(const struct cpu_set *set);

/*
 * Parses "all", or a comma list of N, N-M and ^N (exclude) items, adding to
 * SET. On error returns -1 and writes the reason into WHY.
 */
int cpu_set_parse(const char *text, struct cpu_set *set, char *why,
                  size_t why_len);

/* Writes "0-3,5" style text; "all" for an empty set. */
void cpu_set_format(const struct cpu_set *set, char *out, size_t out_len);

#endif
