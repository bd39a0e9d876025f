/*
 * printk, the log ring, and serial input routing (debug keys vs dom0).
 */
#include <lintel/console_input.h>
#include <lintel/console_ring.h>
#include <lintel/keyhandler.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/power.h>
#include <lintel/printk.h>
#include <lintel/serial.h>
#include <lintel/spinlock.h>
#include <lintel/stacktrace.h>
#include <lintel/time.h>
#include <lintel/timer.h>

#define LOG_RING_SIZE      (64 * 1024)
#define DOM0_INPUT_SIZE    1024
#define INPUT_POLL_NS      (10 * 1000 * 1000ULL)

static char log_ring_buf[LOG_RING_SIZE];
static struct console_ring log_ring = { log_ring_buf, LOG_RING_SIZE, 0, 0 };
/* Allocated with the input poller, once the heap exists. */
static struct console_ring dom0_input;
static uint64_t dom0_input_read_pos;

static spinlock_t console_lock = SPINLOCK_INIT;
static int serial_loglevel = LOG_INFO;
static bool serial_output = true;
static struct console_input input_state = { CONSOLE_TO_HYPERVISOR, 0 };
static struct timer input_poll_timer;
static void (*dom0_input_notify)(void);

void console_set_loglevel(int level)
{
    serial_loglevel = level;
}

void console_set_serial_output(bool enabled)
{
    serial_output = enabled;
}

void console_start_emergency(void)
{
    spin_unlock(&console_lock);
    serial_output = true;
    if (serial_loglevel < LOG_ERR)
        serial_loglevel = LOG_ERR;
}

void vprintk_level(enum log_level level, const char *fmt, va_list ap)
{
    char line[512];
    int n = lintel_vsnprintf(line, sizeof(line), fmt, ap);
    size_t len = n < 0 ? 0 : MIN((size_t)n, sizeof(line) - 1);
    unsigned long flags = spin_lock_irqsave(&console_lock);

    console_ring_write(&log_ring, line, len);
    if (serial_output && (int)level <= serial_loglevel)
        serial_write(line, len);
    spin_unlock_irqrestore(&console_lock, flags);
}

void printk_level(enum log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk_level(level, fmt, ap);
    va_end(ap);
}

size_t console_read_log(uint64_t *pos, char *buf, size_t len)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);
    size_t n = console_ring_read(&log_ring, pos, buf, len);

    spin_unlock_irqrestore(&console_lock, flags);
    return n;
}

uint64_t console_log_oldest(void)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);
    uint64_t pos = console_ring_oldest(&log_ring);

    spin_unlock_irqrestore(&console_lock, flags);
    return pos;
}

void console_clear_log(void)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);

    console_ring_clear(&log_ring);
    spin_unlock_irqrestore(&console_lock, flags);
}

size_t console_read_dom0_input(char *buf, size_t len)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);
    size_t n = dom0_input.buf ? console_ring_read(&dom0_input, &dom0_input_read_pos,
                                                  buf, len) : 0;

    spin_unlock_irqrestore(&console_lock, flags);
    return n;
}

void console_set_dom0_input_notify(void (*notify)(void))
{
    dom0_input_notify = notify;
}

static void queue_for_dom0(char c)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);

    console_ring_write(&dom0_input, &c, 1);
    spin_unlock_irqrestore(&console_lock, flags);
}

static void announce_input_target(void)
{
    printk("(serial input now goes to %s; Ctrl-A three times to switch)\n",
           input_state.target == CONSOLE_TO_DOM0 ? "dom0" : "Lintel");
}

/* Once dom0 runs, typing on the serial line should reach its console, as on
 * Xen; the debug keys stay one Ctrl-A x3 away. */
void console_give_input_to_dom0(void)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);

    console_input_init(&input_state, CONSOLE_TO_DOM0);
    spin_unlock_irqrestore(&console_lock, flags);
    announce_input_target();
}

/* Returns true if the byte went to dom0's queue. */
static bool deliver_input(char c)
{
    switch (console_input_feed(&input_state, c)) {
    case CONSOLE_SWALLOW:
        return false;
    case CONSOLE_SWITCHED:
        announce_input_target();
        return false;
    case CONSOLE_DELIVER:
        break;
    }
    if (input_state.target == CONSOLE_TO_DOM0) {
        queue_for_dom0(c);
        return true;
    }
    keyhandler_dispatch(c);
    return false;
}

static void poll_serial_input(void *unused)
{
    bool for_dom0 = false;
    int c;

    (void)unused;
    /* Re-armed first so that a debug key dumping the timers sees it. */
    timer_set(&input_poll_timer, now_ns() + INPUT_POLL_NS);
    while ((c = serial_getc()) >= 0)
        for_dom0 |= deliver_input((char)c);
    if (for_dom0 && dom0_input_notify)
        dom0_input_notify();
}

void console_start_input_polling(void)
{
    char *buf = xzalloc(DOM0_INPUT_SIZE);

    if (!buf)
        panic("console: no memory for dom0's input queue");
    console_ring_init(&dom0_input, buf, DOM0_INPUT_SIZE);
    timer_init(&input_poll_timer, poll_serial_input, NULL);
    timer_set(&input_poll_timer, now_ns() + INPUT_POLL_NS);
}

__noreturn void panic(const char *fmt, ...)
{
    va_list ap;

    local_irq_disable();
    console_start_emergency();
    printk_level(LOG_ERR, "\n****************************************\n");
    printk_level(LOG_ERR, "Lintel: panic: ");
    va_start(ap, fmt);
    vprintk_level(LOG_ERR, fmt, ap);
    va_end(ap);
    printk_level(LOG_ERR, "\n");
    stacktrace_print_here();
    printk_level(LOG_ERR, "****************************************\n");
    machine_stop_after_crash();
}

void console_write_unlogged(const char *s, size_t len)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);

    if (serial_output)
        serial_write(s, len);
    spin_unlock_irqrestore(&console_lock, flags);
}
