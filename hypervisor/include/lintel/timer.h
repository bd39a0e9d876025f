/*
 * One-shot timers. Callbacks run from the timer softirq with interrupts
 * enabled, never in interrupt context, so they may take ordinary locks and
 * re-arm themselves. A timer belongs to one pCPU's queue (the CPU that
 * initialised it, or timer_set_cpu's) and its callback runs there.
 */
#ifndef LINTEL_TIMER_H
#define LINTEL_TIMER_H

#include <lintel/time.h>

struct timer {
    s_time_t deadline;
    void (*fn)(void *data);
    void *data;
    struct timer *next;
    bool active;
    unsigned cpu;
};

void timer_init(struct timer *t, void (*fn)(void *data), void *data);
/* (Re)arms t; a deadline in the past fires at the next softirq run. */
void timer_set(struct timer *t, s_time_t deadline);
void timer_stop(struct timer *t);
/* Moves t to another pCPU's queue (kept armed if it was). */
void timer_set_cpu(struct timer *t, unsigned cpu);
bool timer_is_active(const struct timer *t);

void timers_init(void);
/* Interrupt side: raises the softirq. */
void timer_interrupt(void);
void timers_dump(void);

#endif
