#include "cpu_set.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cpu_set_clear(struct cpu_set *set)
{
    memset(set, 0, sizeof(*set));
}

void cpu_set_add(struct cpu_set *set, unsigned cpu)
{
    if (cpu < CPU_SET_MAX)
        set->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

void cpu_set_remove(struct cpu_set *set, unsigned cpu)
{
    if (cpu < CPU_SET_MAX)
        set->bits[cpu / 64] &= ~(1ULL << (cpu % 64));
}

bool cpu_set_has(const struct cpu_set *set, unsigned cpu)
{
    return cpu < CPU_SET_MAX && (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

bool cpu_set_is_empty(const struct cpu_set *set)
{
    return cpu_set_count(set) == 0;
}

unsigned cpu_set_count(const struct cpu_set *set)
{
    unsigned n = 0;

    for (size_t i = 0; i < CPU_SET_MAX / 64; i++)
        n += (unsigned)__builtin_popcountll(set->bits[i]);
    return n;
}

int cpu_set_last(const struct cpu_set *set)
{
    for (int cpu = CPU_SET_MAX - 1; cpu >= 0; cpu--)
        if (cpu_set_has(set, (unsigned)cpu))
            return cpu;
    return -1;
}

static int parse_cpu_number(const char **pos, unsigned *out, char *why,
                            size_t why_len)
{
    char *end;
    unsigned long value;

    if (!isdigit((unsigned char)**pos)) {
        snprintf(why, why_len, "expected a CPU number at \"%s\"", *pos);
        return -1;
    }
    errno = 0;
    value = strtoul(*pos, &end, 10);
    if (errno || value >= CPU_SET_MAX) {
        snprintf(why, why_len, "CPU number at \"%s\" is above the limit of %d",
                 *pos, CPU_SET_MAX - 1);
        return -1;
    }
    *pos = end;
    *out = (unsigned)value;
    return 0;
}

/* One item of the list: N, N-M or ^N (and ^N-M). */
static int parse_cpu_item(const char **pos, struct cpu_set *set, char *why,
                          size_t why_len)
{
    bool exclude = false;
    unsigned first, last;

    if (**pos == '^') {
        exclude = true;
        (*pos)++;
    }
    if (parse_cpu_number(pos, &first, why, why_len) < 0)
        return -1;
    last = first;
    if (**pos == '-') {
        (*pos)++;
        if (parse_cpu_number(pos, &last, why, why_len) < 0)
            return -1;
        if (last < first) {
            snprintf(why, why_len, "CPU range %u-%u is backwards", first, last);
            return -1;
        }
    }
    for (unsigned cpu = first; cpu <= last; cpu++) {
        if (exclude)
            cpu_set_remove(set, cpu);
        else
            cpu_set_add(set, cpu);
    }
    return 0;
}

int cpu_set_parse(const char *text, struct cpu_set *set, char *why,
                  size_t why_len)
{
    const char *pos = text;

    if (strcmp(text, "all") == 0) {
        cpu_set_clear(set);
        return 0;
    }
    if (*text == '\0') {
        snprintf(why, why_len, "empty CPU list");
        return -1;
    }
    for (;;) {
        if (parse_cpu_item(&pos, set, why, why_len) < 0)
            return -1;
        if (*pos == '\0')
            break;
        if (*pos != ',') {
            snprintf(why, why_len, "unexpected \"%s\" in CPU list \"%s\"", pos,
                     text);
            return -1;
        }
        pos++;
    }
    if (cpu_set_is_empty(set)) {
        snprintf(why, why_len, "CPU list \"%s\" selects no CPU", text);
        return -1;
    }
    return 0;
}

void cpu_set_format(const struct cpu_set *set, char *out, size_t out_len)
{
    size_t used = 0;

    if (out_len == 0)
        return;
    out[0] = '\0';
    if (cpu_set_is_empty(set)) {
        snprintf(out, out_len, "all");
        return;
    }
    for (unsigned cpu = 0; cpu < CPU_SET_MAX && used < out_len; cpu++) {
        unsigned last = cpu;

        if (!cpu_set_has(set, cpu))
            continue;
        while (last + 1 < CPU_SET_MAX && cpu_set_has(set, last + 1))
            last++;
        if (last == cpu)
            used += (size_t)snprintf(out + used, out_len - used, "%s%u",
                                     used ? "," : "", cpu);
        else
            used += (size_t)snprintf(out + used, out_len - used, "%s%u-%u",
                                     used ? "," : "", cpu, last);
        cpu = last;
    }
}
