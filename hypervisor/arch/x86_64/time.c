/*
 * System time from the TSC. The TSC rate is measured against PIT channel
 * 2, which runs at a known 1.193182 MHz on every PC and needs no interrupt,
 * or against the HPET where there is no PIT; the wallclock comes from the
 * CMOS RTC once at boot.
 */
#include <lintel/acpi.h>
#include <lintel/apic.h>
#include <lintel/keyhandler.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/paging.h>
#include <lintel/printk.h>
#include <lintel/time.h>
#include <lintel/x86.h>

#define PIT_HZ          1193182ULL
#define PIT_CH2         0x42
#define PIT_MODE        0x43
#define PIT_GATE        0x61
#define CALIBRATE_MS    50
#define NS_MUL_SHIFT    32
#define TSC_MUL_SHIFT   24

static uint64_t tsc_hz;
static uint64_t tsc_at_boot;
static uint64_t tsc_to_ns_mul;      /* ns = ticks * mul >> 32 */
static uint64_t ns_to_tsc_mul;      /* ticks = ns * mul >> 24 */
static uint64_t boot_wallclock;     /* seconds since the epoch at time_init */

/* No sane TSC runs slower than this; beyond it a calibration has failed. */
#define MIN_TSC_HZ      50000000ULL
/* Bounds every busy wait: 2^33 ticks is seconds even at 10 GHz. */
#define SPIN_TSC_LIMIT  (1ULL << 33)

static uint64_t calibrate_tsc_with_pit(void)
{
    uint64_t latch = PIT_HZ * CALIBRATE_MS / 1000, start, end;

    /* Gate on, speaker off: channel 2 counts without making a sound. */
    outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
    outb(PIT_MODE, 0xb0);               /* channel 2, lo/hi byte, mode 0 */
    outb(PIT_CH2, latch & 0xff);
    outb(PIT_CH2, latch >> 8);
    start = rdtsc();
    /* Mode 0 drops OUT2 (bit 5) at load: high already means no PIT. */
    if (inb(PIT_GATE) & 0x20)
        return 0;
    while (!(inb(PIT_GATE) & 0x20)) {
        if (rdtsc() - start > SPIN_TSC_LIMIT)
            return 0;
    }
    end = rdtsc();
    return (end - start) * 1000 / CALIBRATE_MS;
}

#define HPET_CAPABILITIES   0x00
#define HPET_CONFIG         0x10
#define HPET_COUNTER        0xf0
#define HPET_ENABLE         1
#define FS_PER_US           1000000000ULL
#define FS_PER_NS           1000000ULL
#define HPET_SAMPLE_TRIES   16

/*
 * A TSC reading paired with an HPET count, the tightest of a few tries:
 * under emulation a read can be held up for milliseconds (the host runs
 * something else), and such a pair would skew the calibration.
 */
static void hpet_sample(volatile uint64_t *hpet, uint64_t *tsc, uint64_t *count)
{
    uint64_t best = ~0ULL;

    for (int i = 0; i < HPET_SAMPLE_TRIES; i++) {
        uint64_t t0 = rdtsc(), c = hpet[HPET_COUNTER / 8], t1 = rdtsc();

        if (t1 - t0 < best) {
            best = t1 - t0;
            *tsc = t0 + best / 2;
            *count = c;
        }
    }
}

static uint64_t calibrate_tsc_with_hpet(void)
{
    volatile uint64_t *hpet;
    uint64_t period_fs, ticks_needed, c0 = 0, t0 = 0, c1 = 0, t1 = 0, spin_start;

    if (!acpi.hpet_addr || acpi.hpet_addr + 0x100 > directmap_limit_phys())
        return 0;
    hpet = phys_to_virt(acpi.hpet_addr);
    period_fs = hpet[HPET_CAPABILITIES / 8] >> 32;
    if (period_fs == 0 || period_fs > 100000000)   /* the spec caps it at 100 ns */
        return 0;
    hpet[HPET_CONFIG / 8] |= HPET_ENABLE;
    ticks_needed = CALIBRATE_MS * 1000 * FS_PER_US / period_fs;
    hpet_sample(hpet, &t0, &c0);
    spin_start = rdtsc();
    while (hpet[HPET_COUNTER / 8] - c0 < ticks_needed) {
        if (rdtsc() - spin_start > SPIN_TSC_LIMIT)
            return 0;
    }
    hpet_sample(hpet, &t1, &c1);
    return (t1 - t0) * NSEC_PER_SEC / ((c1 - c0) * period_fs / FS_PER_NS);
}

s_time_t now_ns(void)
{
    uint64_t ticks = rdtsc() - tsc_at_boot;

    return (s_time_t)(((unsigned __int128)ticks * tsc_to_ns_mul) >> NS_MUL_SHIFT);
}

uint64_t ns_to_tsc(s_time_t ns)
{
    return tsc_at_boot +
           (uint64_t)(((unsigned __int128)ns * ns_to_tsc_mul) >> TSC_MUL_SHIFT);
}

uint64_t tsc_khz(void)
{
    return tsc_hz / 1000;
}

void udelay(unsigned us)
{
    uint64_t start = rdtsc();
    /* Before calibration, assume a fast CPU: waiting too long is harmless. */
    uint64_t per_us = tsc_hz ? tsc_hz / 1000000 : 4000;

    while (rdtsc() - start < (uint64_t)us * per_us)
        cpu_relax();
}

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned from_bcd(uint8_t v, bool bcd)
{
    return bcd ? (v & 0x0f) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_since_epoch(unsigned y, unsigned m, unsigned d)
{
    y -= m <= 2;
    uint64_t era = y / 400, yoe = y - era * 400;
    uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

static uint64_t read_rtc(void)
{
    unsigned sec, min, hour, day, mon, year, century, spins = 0;
    uint8_t status_b, hour_raw;
    bool bcd;

    /* Wait out an update so the fields belong to the same second. */
    while ((cmos_read(0x0a) & 0x80) && ++spins < 1000000)
        cpu_relax();
    status_b = cmos_read(0x0b);
    bcd = !(status_b & 0x04);
    sec = from_bcd(cmos_read(0x00), bcd);
    min = from_bcd(cmos_read(0x02), bcd);
    hour_raw = cmos_read(0x04);
    hour = from_bcd(hour_raw & 0x7f, bcd);
    if (!(status_b & 0x02) && (hour_raw & 0x80))
        hour = (hour % 12) + 12;                    /* 12-hour clock, PM */
    day = from_bcd(cmos_read(0x07), bcd);
    mon = from_bcd(cmos_read(0x08), bcd);
    year = from_bcd(cmos_read(0x09), bcd);
    century = from_bcd(cmos_read(0x32), bcd);
    year += (century >= 19 && century <= 30) ? century * 100 : 2000;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        return 0;
    return days_since_epoch(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}

uint64_t wallclock_boot_seconds(void)
{
    return boot_wallclock;
}

uint64_t wallclock_seconds(void)
{
    return boot_wallclock + now_ns() / NSEC_PER_SEC;
}

static void format_date(uint64_t t, char *buf, size_t len)
{
    uint64_t days = t / 86400, rem = t % 86400;
    /* Inverse of days_since_epoch (civil_from_days). */
    uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    unsigned y = (unsigned)(yoe + era * 400 + (m <= 2));

    lintel_snprintf(buf, len, "%04u-%02u-%02u %02u:%02u:%02u UTC", y, m, d,
                    (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
}

static void time_key(char key)
{
    s_time_t now = now_ns();
    char date[40];

    (void)key;
    format_date(wallclock_seconds(), date, sizeof(date));
    printk("Time: now=%lu ns (uptime %lu.%03lu s), TSC %lu at %lu kHz, wallclock %s\n",
           (unsigned long)now, (unsigned long)(now / NSEC_PER_SEC),
           (unsigned long)(now / 1000000 % 1000), (unsigned long)rdtsc(),
           (unsigned long)tsc_khz(), date);
}

void time_init(void)
{
    char date[40];

    /* The HPET first: its count can be read beside the TSC in one tight
     * pair, so a delay (a loaded host under emulation) cannot skew it. */
    const char *source = "HPET";

    tsc_hz = calibrate_tsc_with_hpet();
    if (tsc_hz < MIN_TSC_HZ) {
        source = "PIT";
        tsc_hz = calibrate_tsc_with_pit();
    }
    if (tsc_hz < MIN_TSC_HZ)
        panic("time: neither the PIT nor the HPET could calibrate the TSC");
    tsc_at_boot = rdtsc();
    tsc_to_ns_mul = (NSEC_PER_SEC << NS_MUL_SHIFT) / tsc_hz;
    ns_to_tsc_mul = (tsc_hz << TSC_MUL_SHIFT) / NSEC_PER_SEC;
    boot_wallclock = read_rtc();
    format_date(boot_wallclock, date, sizeof(date));
    pr_info("time: TSC %lu.%03lu MHz (calibrated against the %s), wallclock %s\n",
            (unsigned long)(tsc_hz / 1000000), (unsigned long)(tsc_hz / 1000 % 1000),
            source, date);
    keyhandler_register('t', time_key, "display time (system, TSC, wallclock)");
}
