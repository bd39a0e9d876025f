#include <lintel/cmdline.h>
#include <lintel/lib.h>

#define MAX_TOKEN 256

struct option_desc {
    const char *name;
    bool boolean;
    /* Returns NULL on success, or why the value is bad. */
    const char *(*set)(struct lintel_options *opts, const char *value);
    const char *help;
};

static const char *set_console(struct lintel_options *opts, const char *value)
{
    if (!strcmp(value, "com1"))
        opts->console_serial = true;
    else if (!strcmp(value, "none"))
        opts->console_serial = false;
    else
        return "supported consoles are com1 and none";
    return NULL;
}

static int parse_level(const char *s, size_t len)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };

    if (len == 4 && !strncmp(s, "none", 4))
        return -1;
    if (len == 3 && !strncmp(s, "all", 3))
        return 3;
    for (int i = 0; i < (int)ARRAY_SIZE(names); i++)
        if (strlen(names[i]) == len && !strncmp(s, names[i], len))
            return i;
    return -2;
}

static const char *set_loglvl(struct lintel_options *opts, const char *value)
{
    const char *slash = strchr(value, '/');
    size_t first_len = slash ? (size_t)(slash - value) : strlen(value);
    int level = parse_level(value, first_len);
    int guest = opts->guest_loglvl;

    if (slash)
        guest = parse_level(slash + 1, strlen(slash + 1));
    if (level == -2 || guest == -2)
        return "levels are none, error, warning, info, debug, all";
    opts->loglvl = level;
    opts->guest_loglvl = guest;
    return NULL;
}

bool cmdline_parse_size(const char *s, uint64_t *bytes)
{
    const char *end;
    uint64_t v;
    unsigned shift = 10;

    if (!parse_u64(s, &end, &v))
        return false;
    switch (*end) {
    case 'B': case 'b': shift = 0; end++; break;
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    case 'T': case 't': shift = 40; end++; break;
    default: break;
    }
    if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *bytes = v << shift;
    return true;
}

static const char *set_guest_loglvl(struct lintel_options *opts, const char *value)
{
    int level = parse_level(value, strlen(value));

    if (level == -2)
        return "levels are none, error, warning, info, debug, all";
    opts->guest_loglvl = level;
    return NULL;
}

/* The UART divides 115200 by an integer, so only its quotients are exact. */
static const char *set_com1(struct lintel_options *opts, const char *value)
{
    const char *end;
    uint64_t baud;

    if (!parse_u64(value, &end, &baud) || baud == 0 || baud > 115200 || 115200 % baud)
        return "expected a baud rate dividing 115200 (e.g. 115200, 57600, 9600)";
    if (*end && strcmp(end, ",8n1"))
        return "only the 8n1 format is supported";
    opts->com1_baud = (unsigned)baud;
    return NULL;
}

static const char *set_dom0_mem_item(struct lintel_options *opts, const char *item)
{
    uint64_t *field = &opts->dom0_mem;
    uint64_t bytes;

    if (!strncmp(item, "min:", 4)) {
        field = &opts->dom0_mem_min;
        item += 4;
    } else if (!strncmp(item, "max:", 4)) {
        field = &opts->dom0_mem_max;
        item += 4;
    }
    if (item[0] == '-')
        return "negative sizes (all memory but N) are not supported";
    if (!cmdline_parse_size(item, &bytes) || bytes == 0)
        return "expected a size such as 512M or max:1G";
    *field = bytes;
    return NULL;
}

static const char *set_dom0_mem(struct lintel_options *opts, const char *value)
{
    struct lintel_options trial = *opts;
    char item[MAX_TOKEN];

    /* Items are applied to a copy so that a bad list changes nothing. */
    while (*value) {
        const char *comma = strchr(value, ',');
        size_t len = comma ? (size_t)(comma - value) : strlen(value);
        const char *why;

        if (len == 0 || len >= sizeof(item))
            return "empty or overlong item";
        memcpy(item, value, len);
        item[len] = '\0';
        why = set_dom0_mem_item(&trial, item);
        if (why)
            return why;
        value += len + (comma ? 1 : 0);
    }
    if (trial.dom0_mem_min && trial.dom0_mem_max &&
        trial.dom0_mem_min > trial.dom0_mem_max)
        return "min is larger than max";
    *opts = trial;
    return NULL;
}

static bool parse_count(const char *s, const char **end, unsigned *out)
{
    uint64_t v;

    if (!parse_u64(s, end, &v) || v == 0 || v > 4096)
        return false;
    *out = (unsigned)v;
    return true;
}

static const char *set_dom0_max_vcpus(struct lintel_options *opts, const char *value)
{
    const char *why = "expected <n> or <min>-<max> with 1 <= n <= 4096";
    unsigned min, max;
    const char *end;

    if (!parse_count(value, &end, &min))
        return why;
    max = min;
    if (*end == '-' && !parse_count(end + 1, &end, &max))
        return why;
    if (*end != '\0')
        return why;
    if (min > max)
        return "min is larger than max";
    /* A bare <n> gives min == max: exactly n, as on Xen. */
    opts->dom0_max_vcpus_min = min;
    opts->dom0_max_vcpus_max = max;
    return NULL;
}

static const char *set_noreboot(struct lintel_options *opts, const char *value)
{
    opts->noreboot = value[0] == '1';
    return NULL;
}

static const char *set_hypercall_trace(struct lintel_options *opts, const char *value)
{
    opts->hypercall_trace = value[0] == '1';
    return NULL;
}

static const char *set_nodom0(struct lintel_options *opts, const char *value)
{
    opts->nodom0 = value[0] == '1';
    return NULL;
}

static const char *set_nosmp(struct lintel_options *opts, const char *value)
{
    opts->nosmp = value[0] == '1';
    return NULL;
}

static const char *set_maxcpus(struct lintel_options *opts, const char *value)
{
    const char *end;
    unsigned n;

    if (!parse_count(value, &end, &n) || *end != '\0')
        return "expected a CPU count 1 <= n <= 4096";
    opts->maxcpus = n;
    return NULL;
}

static const struct option_desc options[] = {
    { "console", false, set_console, "com1|none: where the log goes" },
    { "loglvl", false, set_loglvl, "none|error|warning|info|debug|all[/guest]" },
    { "guest_loglvl", false, set_guest_loglvl, "log level for guests' console output" },
    { "com1", false, set_com1, "<baud>[,8n1] COM1 speed (default 115200)" },
    { "dom0_mem", false, set_dom0_mem, "[min:<sz>,][max:<sz>,][<sz>] dom0 memory" },
    { "dom0_max_vcpus", false, set_dom0_max_vcpus, "<n>|<min>-<max> dom0 vCPUs" },
    { "noreboot", true, set_noreboot, "halt instead of rebooting after a crash" },
    { "hypercall_trace", true, set_hypercall_trace,
      "log every hypercall (number, arguments, result)" },
    { "nodom0", true, set_nodom0, "boot without dom0: debug keys and the log only" },
    { "nosmp", true, set_nosmp, "use the boot CPU only" },
    { "maxcpus", false, set_maxcpus, "<n> bring up at most n CPUs (boot CPU included)" },
};

size_t cmdline_option_count(void)
{
    return ARRAY_SIZE(options);
}

const char *cmdline_option_name(size_t i)
{
    return i < ARRAY_SIZE(options) ? options[i].name : NULL;
}

const char *cmdline_option_help(size_t i)
{
    return i < ARRAY_SIZE(options) ? options[i].help : NULL;
}

void cmdline_defaults(struct lintel_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->console_serial = true;
    opts->loglvl = 2;
    opts->guest_loglvl = 1;
    opts->com1_baud = 115200;
}

/* Booleans are passed to their setter as "1" or "0". */
static const char *boolean_value(const char *value)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    if (!value)
        return "1";
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(value, yes[i]))
            return "1";
        if (!strcmp(value, no[i]))
            return "0";
    }
    return NULL;
}

static void report(cmdline_report_fn fn, void *ctx, const char *fmt, ...)
    __printf(3, 4);

static void report(cmdline_report_fn fn, void *ctx, const char *fmt, ...)
{
    char msg[MAX_TOKEN * 2 + 128];
    va_list ap;

    va_start(ap, fmt);
    lintel_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (fn)
        fn(ctx, msg);
}

static const struct option_desc *find_option(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(options); i++)
        if (!strcmp(options[i].name, name))
            return &options[i];
    return NULL;
}

static unsigned apply_token(char *token, struct lintel_options *opts,
                            cmdline_report_fn fn, void *ctx)
{
    char *eq = strchr(token, '=');
    const char *value = NULL, *why;
    const struct option_desc *opt;
    bool negated = false;

    if (eq) {
        *eq = '\0';
        value = eq + 1;
    }
    opt = find_option(token);
    if (!opt && !strncmp(token, "no-", 3)) {
        opt = find_option(token + 3);
        negated = opt && opt->boolean && !value;
        if (!negated)
            opt = NULL;
    }
    if (!opt) {
        report(fn, ctx, "unknown option \"%s\" ignored", token);
        return 1;
    }
    if (opt->boolean) {
        const char *b = negated ? "0" : boolean_value(value);
        if (!b) {
            report(fn, ctx, "invalid value \"%s\" for %s: expected yes or no",
                   value, opt->name);
            return 1;
        }
        value = b;
    } else if (!value || !*value) {
        report(fn, ctx, "option %s needs a value", opt->name);
        return 1;
    }
    why = opt->set(opts, value);
    if (why) {
        report(fn, ctx, "invalid value \"%s\" for %s: %s", value, opt->name, why);
        return 1;
    }
    return 0;
}

const char *cmdline_skip_image_name(const char *cmdline)
{
    char first[MAX_TOKEN];
    size_t len = 0;
    char *eq;

    while (*cmdline == ' ' || *cmdline == '\t')
        cmdline++;
    while (cmdline[len] && cmdline[len] != ' ' && cmdline[len] != '\t')
        len++;
    if (len == 0)
        return cmdline;
    if (len < sizeof(first)) {
        memcpy(first, cmdline, len);
        first[len] = '\0';
        eq = strchr(first, '=');
        if (eq)
            *eq = '\0';
        if (find_option(first) || (!strncmp(first, "no-", 3) && find_option(first + 3)))
            return cmdline;
    }
    cmdline += len;
    while (*cmdline == ' ' || *cmdline == '\t')
        cmdline++;
    return cmdline;
}

unsigned cmdline_parse(const char *cmdline, struct lintel_options *opts,
                       cmdline_report_fn fn, void *ctx)
{
    unsigned problems = 0;
    char token[MAX_TOKEN];

    while (cmdline && *cmdline) {
        size_t len = 0;

        while (*cmdline == ' ' || *cmdline == '\t')
            cmdline++;
        while (cmdline[len] && cmdline[len] != ' ' && cmdline[len] != '\t')
            len++;
        if (len == 0)
            break;
        if (len >= sizeof(token)) {
            report(fn, ctx, "option starting \"%.32s\" is too long; ignored", cmdline);
            problems++;
        } else {
            memcpy(token, cmdline, len);
            token[len] = '\0';
            problems += apply_token(token, opts, fn, ctx);
        }
        cmdline += len;
    }
    return problems;
}
