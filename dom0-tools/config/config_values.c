#include "config_values.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int config_parse_u64(const char *text, uint64_t *out)
{
    uint64_t value = 0;

    if (!*text)
        return -1;
    for (const char *p = text; *p; p++) {
        unsigned digit;

        if (!isdigit((unsigned char)*p))
            return -1;
        digit = (unsigned)(*p - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return -1;
        value = value * 10 + digit;
    }
    *out = value;
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int config_parse_uuid(const char *text, uint8_t uuid[16])
{
    static const int dash_after[] = { 4, 6, 8, 10 };
    size_t len = strlen(text);
    bool dashed = (len == 36);
    const char *p = text;

    if (len != 36 && len != 32)
        return -1;
    for (int byte = 0; byte < 16; byte++) {
        int hi, lo;

        if (dashed) {
            for (size_t d = 0; d < 4; d++)
                if (byte == dash_after[d] && *p++ != '-')
                    return -1;
        }
        hi = hex_value(p[0]);
        lo = hex_value(p[1]);
        if (hi < 0 || lo < 0)
            return -1;
        uuid[byte] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    return *p == '\0' ? 0 : -1;
}

int config_parse_mac(const char *text, uint8_t mac[6], char *why,
                     size_t why_len)
{
    const char *p = text;

    for (int i = 0; i < 6; i++) {
        int hi = hex_value(p[0]), lo = hi < 0 ? -1 : hex_value(p[1]);

        if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':') || (i == 5 && p[2])) {
            snprintf(why, why_len,
                     "invalid MAC address \"%s\": expected six hex octets "
                     "like 00:16:3e:12:34:56", text);
            return -1;
        }
        mac[i] = (uint8_t)(hi << 4 | lo);
        p += 3;
    }
    /* The group bit makes it a multicast address, which no NIC may own. */
    if (mac[0] & 1) {
        snprintf(why, why_len,
                 "invalid MAC address \"%s\": multicast bit is set", text);
        return -1;
    }
    return 0;
}

bool config_vdev_is_valid(const char *vdev)
{
    const char *letters;

    if (strncmp(vdev, "xvd", 3) == 0)
        letters = vdev + 3;
    else if (strncmp(vdev, "hd", 2) == 0 || strncmp(vdev, "sd", 2) == 0)
        letters = vdev + 2;
    else
        return false;
    if (!*letters || strlen(letters) > 3)
        return false;
    for (const char *p = letters; *p; p++)
        if (*p < 'a' || *p > 'z')
            return false;
    return true;
}

char *config_strdup_trimmed(const char *s, size_t len)
{
    char *copy;

    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    copy = malloc(len + 1);
    if (!copy)
        abort();
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}
