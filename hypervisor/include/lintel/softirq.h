/*
 * Deferred work raised in interrupt context and run later with interrupts
 * enabled (from the idle loop, and later on every return to a guest).
 */
#ifndef LINTEL_SOFTIRQ_H
#define LINTEL_SOFTIRQ_H

#include <lintel/types.h>

enum softirq {
    SOFTIRQ_TIMER,
    SOFTIRQ_NMI_REPORT,
    SOFTIRQ_COUNT,
};

void softirq_register(enum softirq nr, void (*fn)(void));
/* On this pCPU. */
void softirq_raise(enum softirq nr);
/* On another pCPU (kicked with an IPI), or this one. */
void softirq_raise_on(unsigned cpu, enum softirq nr);
void softirq_run_pending(void);
bool softirq_pending(void);

#endif
