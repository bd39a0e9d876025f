/*
 * Scalar value syntax shared by the xl.cfg and libvirt XML parsers, so the
 * same value is accepted or refused the same way in either format.
 */
#ifndef LINTEL_CONFIG_VALUES_H
#define LINTEL_CONFIG_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Plain decimal digits only: no sign, no suffix, no blanks, no overflow. */
int config_parse_u64(const char *text, uint64_t *out);

/* 8-4-4-4-12 hex digits, or 32 hex digits without dashes. */
int config_parse_uuid(const char *text, uint8_t uuid[16]);

/* Six colon-separated hex octets; multicast addresses are refused. */
int config_parse_mac(const char *text, uint8_t mac[6], char *why,
                     size_t why_len);

/* Guest disk names Linux's blkfront knows: xvdX..., also hdX and sdX. */
bool config_vdev_is_valid(const char *vdev);

/* Copies S without its leading and trailing blanks (caller frees). */
char *config_strdup_trimmed(const char *s, size_t len);

#endif
