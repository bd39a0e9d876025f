#include "cli_args.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config_values.h"

/* Domain ids at and above this are reserved by Xen (DOMID_FIRST_RESERVED). */
#define DOMID_LIMIT 0x7ff0

int cli_parse_number(const char *what, const char *text, uint64_t min,
                     uint64_t max, uint64_t *out, char *why, size_t why_len)
{
    uint64_t value;

    if (config_parse_u64(text, &value) < 0) {
        snprintf(why, why_len,
                 "invalid %s \"%s\": expected a whole number from %llu to %llu",
                 what, text, (unsigned long long)min, (unsigned long long)max);
        return -1;
    }
    if (value < min || value > max) {
        snprintf(why, why_len, "invalid %s \"%s\": out of range %llu to %llu",
                 what, text, (unsigned long long)min, (unsigned long long)max);
        return -1;
    }
    *out = value;
    return 0;
}

static int suffix_shift(char suffix, unsigned *shift)
{
    switch (tolower((unsigned char)suffix)) {
    case 'k': *shift = 0; return 0;
    case 'm': *shift = 10; return 0;
    case 'g': *shift = 20; return 0;
    case 't': *shift = 30; return 0;
    default: return -1;
    }
}

int cli_parse_memory_kib(const char *what, const char *text, uint64_t min_kib,
                         uint64_t max_kib, uint64_t *out_kib, char *why,
                         size_t why_len)
{
    char digits[32];
    size_t len = strlen(text);
    unsigned shift = 10;
    uint64_t value;

    if (len == 0 || len >= sizeof(digits))
        goto invalid;
    memcpy(digits, text, len + 1);
    if (!isdigit((unsigned char)digits[len - 1])) {
        if (suffix_shift(digits[len - 1], &shift) < 0)
            goto invalid;
        digits[len - 1] = '\0';
    }
    if (config_parse_u64(digits, &value) < 0 || value > (UINT64_MAX >> shift))
        goto invalid;
    value <<= shift;
    if (value < min_kib || value > max_kib) {
        snprintf(why, why_len,
                 "invalid %s \"%s\": out of range %llu MiB to %llu MiB", what,
                 text, (unsigned long long)(min_kib >> 10),
                 (unsigned long long)(max_kib >> 10));
        return -1;
    }
    *out_kib = value;
    return 0;
invalid:
    snprintf(why, why_len,
             "invalid %s \"%s\": expected a number of MiB, or with a k/m/g/t "
             "suffix", what, text);
    return -1;
}

int cli_parse_domain_ref(const char *text, struct domain_ref *ref, char *why,
                         size_t why_len)
{
    uint64_t id;

    memset(ref, 0, sizeof(*ref));
    if (!*text) {
        snprintf(why, why_len, "empty domain name");
        return -1;
    }
    if (isdigit((unsigned char)text[0])) {
        if (cli_parse_number("domain id", text, 0, DOMID_LIMIT - 1, &id, why,
                             why_len) < 0)
            return -1;
        ref->is_id = 1;
        ref->domid = (uint32_t)id;
        return 0;
    }
    ref->name = text;
    return 0;
}

int cli_check_arg_count(int argc, int min, int max, char *why, size_t why_len)
{
    if (argc < min) {
        snprintf(why, why_len, "missing argument (expected %d, got %d)", min, argc);
        return -1;
    }
    if (argc > max) {
        snprintf(why, why_len, "too many arguments (expected at most %d, got %d)",
                 max, argc);
        return -1;
    }
    return 0;
}
