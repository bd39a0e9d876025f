#include "ring_index.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

bool ring_requests_pending(uint32_t prod, uint32_t cons, uint32_t ring_size,
                           uint32_t *pending)
{
    /* Unsigned wrap-around makes a producer behind us a huge count too. */
    uint32_t n = prod - cons;

    if (n > ring_size)
        return false;
    *pending = n;
    return true;
}

bool store_value_to_uint(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (!text || !isdigit((unsigned char)text[0]))
        return false;
    errno = 0;
    v = strtoul(text, &end, 10);
    if (errno || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}
