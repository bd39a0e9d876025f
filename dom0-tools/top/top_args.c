/* lintel-top's options (see top_args.h). */
#include "top_args.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool top_parse_delay(const char *text, unsigned *ms, char *err, size_t err_len)
{
    char *end;
    double seconds;

    errno = 0;
    seconds = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(seconds)) {
        snprintf(err, err_len, "invalid delay \"%s\": not a number of seconds", text);
        return false;
    }
    if (seconds * 1000.0 < TOP_MIN_DELAY_MS || seconds * 1000.0 > TOP_MAX_DELAY_MS) {
        snprintf(err, err_len, "invalid delay \"%s\": must be between %.1f and %u seconds",
                 text, TOP_MIN_DELAY_MS / 1000.0, TOP_MAX_DELAY_MS / 1000u);
        return false;
    }
    *ms = (unsigned)lround(seconds * 1000.0);
    return true;
}

static bool parse_iterations(const char *text, long *out, char *err, size_t err_len)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 10);
    if (end == text || *end || errno || n < 1) {
        snprintf(err, err_len, "invalid iteration count \"%s\": must be a whole number >= 1",
                 text);
        return false;
    }
    *out = n;
    return true;
}

static bool parse_sort(const char *text, struct top_view *view, char *err, size_t err_len)
{
    int c = top_column_by_key(text);

    if (c < 0) {
        snprintf(err, err_len, "invalid sort column \"%s\": one of name id state cpu_sec "
                 "cpu_pct mem_kib mem_pct maxmem_kib vcpus", text);
        return false;
    }
    view->sort = (enum top_column)c;
    view->reverse = top_columns[c].biggest_first;
    return true;
}

enum { OPT_JSON = 256 };

bool top_args_parse(int argc, char **argv, struct top_args *args, char *err, size_t err_len)
{
    static const struct option longopts[] = {
        { "batch", no_argument, NULL, 'b' },
        { "iterations", required_argument, NULL, 'i' },
        { "delay", required_argument, NULL, 'd' },
        { "sort", required_argument, NULL, 's' },
        { "reverse", no_argument, NULL, 'r' },
        { "vcpus", no_argument, NULL, 'V' },
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool reverse = false;
    int opt;

    memset(args, 0, sizeof(*args));
    top_view_init(&args->view);
    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":bi:d:s:rVh", longopts, NULL)) != -1) {
        bool ok = true;

        switch (opt) {
        case 'b': args->batch = true; break;
        case 'i': ok = parse_iterations(optarg, &args->iterations, err, err_len); break;
        case 'd': ok = top_parse_delay(optarg, &args->view.delay_ms, err, err_len); break;
        case 's': ok = parse_sort(optarg, &args->view, err, err_len); break;
        case 'r': reverse = true; break;
        case 'V': args->view.all_vcpus = true; break;
        case OPT_JSON: args->json = args->batch = true; break;
        case 'h': args->help = true; break;
        case ':':
            snprintf(err, err_len, "option \"%s\" needs a value", argv[optind - 1]);
            return false;
        default:
            snprintf(err, err_len, "unknown option \"%s\"", argv[optind - 1]);
            return false;
        }
        if (!ok)
            return false;
    }
    if (optind < argc) {
        snprintf(err, err_len, "unexpected argument \"%s\"", argv[optind]);
        return false;
    }
    if (reverse)
        args->view.reverse = !args->view.reverse;
    return true;
}

void top_usage(FILE *out)
{
    fprintf(out,
            "usage: lintel-top [-b] [-i N] [-d SECS] [-s COLUMN] [-r] [-V] [--json]\n"
            "  -b, --batch         print plain lines instead of the screen\n"
            "  -i, --iterations N  stop after N refreshes (batch: N tables)\n"
            "  -d, --delay SECS    seconds between refreshes (default %.0f)\n"
            "  -s, --sort COLUMN   sort by COLUMN (numbers biggest first, text A-Z):",
            TOP_DEFAULT_DELAY_MS / 1000.0);
    for (int c = 0; c < TOP_NR_COLUMNS; c++)
        fprintf(out, " %s", top_columns[c].key);
    fprintf(out, "\n"
            "  -r, --reverse       reverse the sort order (default: CPU(%%), biggest first)\n"
            "  -V, --vcpus         batch: a line per vCPU under each domain\n"
            "      --json          batch output as one JSON object per refresh\n"
            "Keys on the screen: press h.\n");
}
