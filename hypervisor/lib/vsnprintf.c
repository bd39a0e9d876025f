/*
 * printf-style formatting for ring 0 (no libc there). Supports the subset
 * the hypervisor uses: flags '-' '0' '#', width, precision (also '*'), length
 * modifiers h hh l ll z, conversions d i u x X p s c %.
 * Output is always terminated when size > 0; the return value is the
 * length the full output would have had, as C99 specifies.
 */
#include <lintel/lib.h>

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

struct spec {
    bool left;
    bool zero;
    bool alternate;
    int width;
    int precision;
};

static void pad(struct out *o, int n, char c)
{
    while (n-- > 0)
        put(o, c);
}

static void put_string(struct out *o, const char *s, const struct spec *sp)
{
    size_t len;

    if (!s)
        s = "(null)";
    len = sp->precision >= 0 ? strnlen(s, (size_t)sp->precision) : strlen(s);
    if (!sp->left)
        pad(o, sp->width - (int)len, ' ');
    for (size_t i = 0; i < len; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, sp->width - (int)len, ' ');
}

static void put_number(struct out *o, uint64_t v, bool negative, unsigned base,
                       bool upper, const char *prefix, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, len, plen = (int)strlen(prefix);

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    len = n + plen + (negative ? 1 : 0);
    if (!sp->left && !sp->zero)
        pad(o, sp->width - len, ' ');
    if (negative)
        put(o, '-');
    while (*prefix)
        put(o, *prefix++);
    if (!sp->left && sp->zero)
        pad(o, sp->width - len, '0');
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, sp->width - len, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    sp->left = sp->zero = sp->alternate = false;
    sp->width = 0;
    sp->precision = -1;
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '#')
            sp->alternate = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->precision = sp->precision * 10 + (*f++ - '0');
    }
    return f;
}

/* Length modifiers collapse to "how many bytes the argument has". */
static const char *parse_length(const char *f, int *bytes)
{
    *bytes = 4;
    if (*f == 'h') {
        f++;
        if (*f == 'h')
            f++;
    } else if (*f == 'l') {
        *bytes = 8;
        f++;
        if (*f == 'l')
            f++;
    } else if (*f == 'z') {
        *bytes = 8;
        f++;
    }
    return f;
}

int lintel_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    struct spec sp;
    va_list ap;
    int bytes;

    va_copy(ap, ap_in);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f = parse_spec(f + 1, &sp, &ap);
        f = parse_length(f, &bytes);
        switch (*f) {
        case 'd':
        case 'i': {
            int64_t v = bytes == 8 ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            put_number(&o, mag, v < 0, 10, false, "", &sp);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = bytes == 8 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            bool hex_prefix = *f != 'u' && sp.alternate;
            put_number(&o, v, false, *f == 'u' ? 10 : 16, *f == 'X',
                       hex_prefix ? "0x" : "", &sp);
            break;
        }
        case 'p':
            put_number(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), false, 16,
                       false, "0x", &sp);
            break;
        case 's':
            put_string(&o, va_arg(ap, const char *), &sp);
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            f--;
            break;
        default:
            put(&o, '%');
            put(&o, *f);
            break;
        }
    }
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int lintel_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = lintel_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
