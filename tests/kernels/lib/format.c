/* printf-style formatting without a C library; see format.h. */
#include "format.h"

#include <stdint.h>

struct sink {
    char  *buf;
    size_t size;
    size_t len;   /* characters produced so far, stored or not */
};

struct spec {
    int    alternate;   /* '#': 0x before hex digits */
    int    left_align;
    int    zero_pad;
    size_t width;
    int    length;  /* number of 'l's; 'z' counts as 1 (size_t is long here) */
};

static void put(struct sink *s, char c)
{
    /* The last byte is reserved for the terminator. */
    if (s->size && s->len < s->size - 1)
        s->buf[s->len] = c;
    s->len++;
}

static void put_padding(struct sink *s, size_t count, char c)
{
    while (count--)
        put(s, c);
}

static size_t string_length(const char *str)
{
    size_t n = 0;
    while (str[n])
        n++;
    return n;
}

static void put_field(struct sink *s, const struct spec *sp, const char *text,
                      size_t len)
{
    size_t pad = sp->width > len ? sp->width - len : 0;

    if (!sp->left_align)
        put_padding(s, pad, ' ');
    for (size_t i = 0; i < len; i++)
        put(s, text[i]);
    if (sp->left_align)
        put_padding(s, pad, ' ');
}

static void put_number(struct sink *s, const struct spec *sp, uint64_t magnitude,
                       int negative, unsigned base, int upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0, prefix_len = string_length(prefix);

    do {
        tmp[n++] = digits[magnitude % base];
        magnitude /= base;
    } while (magnitude);

    size_t body = n + prefix_len + (negative ? 1 : 0);
    size_t pad = sp->width > body ? sp->width - body : 0;

    /* Zero padding goes between the sign/prefix and the digits. */
    if (!sp->left_align && !sp->zero_pad)
        put_padding(s, pad, ' ');
    if (negative)
        put(s, '-');
    for (size_t i = 0; i < prefix_len; i++)
        put(s, prefix[i]);
    if (!sp->left_align && sp->zero_pad)
        put_padding(s, pad, '0');
    while (n)
        put(s, tmp[--n]);
    if (sp->left_align)
        put_padding(s, pad, ' ');
}

static const char *parse_spec(const char *fmt, struct spec *sp)
{
    *sp = (struct spec){0};
    for (;; fmt++) {
        if (*fmt == '-')
            sp->left_align = 1;
        else if (*fmt == '#')
            sp->alternate = 1;
        else if (*fmt == '0')
            sp->zero_pad = 1;
        else
            break;
    }
    while (*fmt >= '0' && *fmt <= '9')
        sp->width = sp->width * 10 + (size_t)(*fmt++ - '0');
    while (*fmt == 'l' || *fmt == 'z') {
        sp->length++;
        fmt++;
    }
    return fmt;
}

static int64_t signed_arg(const struct spec *sp, va_list *ap)
{
    if (sp->length >= 2)
        return va_arg(*ap, long long);
    if (sp->length == 1)
        return va_arg(*ap, long);
    return va_arg(*ap, int);
}

static uint64_t unsigned_arg(const struct spec *sp, va_list *ap)
{
    if (sp->length >= 2)
        return va_arg(*ap, unsigned long long);
    if (sp->length == 1)
        return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned int);
}

static void convert(struct sink *s, char conv, const struct spec *sp, va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = signed_arg(sp, ap);
        /* Negate in unsigned arithmetic so INT64_MIN does not overflow. */
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        put_number(s, sp, mag, v < 0, 10, 0, "");
        break;
    }
    case 'u':
        put_number(s, sp, unsigned_arg(sp, ap), 0, 10, 0, "");
        break;
    case 'x':
    case 'X':
        put_number(s, sp, unsigned_arg(sp, ap), 0, 16, conv == 'X',
                   sp->alternate ? (conv == 'X' ? "0X" : "0x") : "");
        break;
    case 'p':
        put_number(s, sp, (uintptr_t)va_arg(*ap, void *), 0, 16, 0, "0x");
        break;
    case 's': {
        const char *str = va_arg(*ap, const char *);
        if (!str)
            str = "(null)";
        put_field(s, sp, str, string_length(str));
        break;
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        put_field(s, sp, &c, 1);
        break;
    }
    case '%':
        put(s, '%');
        break;
    default:
        /* Unknown conversions are shown, not silently dropped. */
        put(s, '%');
        put(s, conv);
        break;
    }
}

size_t format_v(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { buf, size, 0 };
    struct spec sp;
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&s, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp);
        if (!*fmt)
            break;  /* a lone '%' at the end prints nothing */
        convert(&s, *fmt++, &sp, &args);
    }
    va_end(args);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return s.len;
}

size_t format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t len;

    va_start(ap, fmt);
    len = format_v(buf, size, fmt, ap);
    va_end(ap);
    return len;
}
