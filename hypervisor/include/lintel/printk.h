/*
 * The hypervisor log. Every message goes into the console ring (read by
 * dom0 through sysctl readconsole later) and, if its level passes loglvl=,
 * to the serial line.
 */
#ifndef LINTEL_PRINTK_H
#define LINTEL_PRINTK_H

#include <lintel/types.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void printk_level(enum log_level level, const char *fmt, ...) __printf(2, 3);
void vprintk_level(enum log_level level, const char *fmt, va_list ap);

#define printk(...)   printk_level(LOG_INFO, __VA_ARGS__)
#define pr_err(...)   printk_level(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk_level(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk_level(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk_level(LOG_DEBUG, __VA_ARGS__)

/* Messages above level are kept in the ring only; -1 keeps all of them off COM1. */
void console_set_loglevel(int level);
void console_set_serial_output(bool enabled);
/*
 * For crash paths: drops the console lock (the CPU that holds it may be
 * the one that crashed) and makes sure errors reach COM1 whatever
 * console= and loglvl= said.
 */
void console_start_emergency(void);

/*
 * The log ring for sysctl readconsole: read from stream position *pos on
 * (incremental reads keep pos; a full read starts at console_log_oldest()),
 * and clear (discard everything so far). See console_ring.h.
 */
size_t console_read_log(uint64_t *pos, char *buf, size_t len);
uint64_t console_log_oldest(void);
void console_clear_log(void);
/* dom0's console text goes to the serial line but not into the log ring, as
 * on Xen: the ring is what dom0 reads back (readconsole), so logging dom0's
 * own output there would feed `dmesg` with itself and push the hypervisor's
 * boot messages out. */
void console_write_unlogged(const char *s, size_t len);

/* Bytes typed for dom0 while serial input is switched to it. */
size_t console_read_dom0_input(char *buf, size_t len);
/*
 * Called from softirq context after typed bytes were queued for dom0, so
 * the event code can raise VIRQ_CONSOLE (Linux's hvc waits for it).
 */
void console_set_dom0_input_notify(void (*notify)(void));
/* Serial input goes to dom0 from now on (the end of boot, as on Xen). */
void console_give_input_to_dom0(void);

/* Polls the serial line and dispatches input; runs from a timer. */
void console_start_input_polling(void);

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#endif
