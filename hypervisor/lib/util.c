/* Small parsing helpers shared by ring 0 and the host tests. */
#include <lintel/lib.h>

size_t lintel_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

bool parse_u64(const char *s, const char **end, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;
    const char *p = s;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
        base = 16;
        p += 2;
    }
    if (digit_value(*p) >= (int)base) {
        *end = s;
        return false;
    }
    for (; digit_value(*p) < (int)base; p++) {
        unsigned d = (unsigned)digit_value(*p);
        if (v > (UINT64_MAX - d) / base) {
            *end = p;
            return false;
        }
        v = v * base + d;
    }
    *end = p;
    *out = v;
    return true;
}
