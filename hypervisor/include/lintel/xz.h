/*
 * Single-call .xz decoder for the dom0 builder: Debian's bzImage carries
 * its kernel as an .xz stream (LZMA2 behind the x86 BCJ filter), which we
 * unpack in the hypervisor so boot loaders can hand us /boot/vmlinuz-*
 * unchanged. The output buffer doubles as the LZMA2 dictionary, so the only
 * state beyond it is a static probability model of about 28 KiB: calls must
 * not run concurrently (the builder runs once, on the boot CPU).
 * Pure logic: also compiled into the host unit tests and the fuzzer.
 */
#ifndef LINTEL_XZ_H
#define LINTEL_XZ_H

#include <lintel/types.h>

/*
 * Decodes every stream in in[0..in_len) (concatenated streams and zero
 * stream padding are allowed, as the .xz format says) into out.
 * Returns 0 with *out_len set, or a negative errno with a message naming
 * the problem and its input offset in err:
 *   -EINVAL  malformed or truncated input
 *   -EIO     a CRC32/CRC64 check (block, header or index) does not match
 *   -ENOSPC  the output would exceed out_cap
 *   -ENOSYS  a valid but unsupported feature (filter, check type)
 * Never reads past in_len nor writes past out_cap, whatever the input.
 */
int xz_decompress(const void *in, size_t in_len, void *out, size_t out_cap,
                  size_t *out_len, char *err, size_t err_len);

/*
 * Linux's compressed kernel payload is one .xz stream followed by the
 * uncompressed size as 4 little-endian bytes (scripts/Makefile.lib's
 * size_append). These read that size (so the caller can size the output)
 * and decode the stream, checking the result has exactly that size.
 */
int xz_linux_payload_size(const void *in, size_t in_len, size_t *size,
                          char *err, size_t err_len);
int xz_decompress_linux_payload(const void *in, size_t in_len, void *out,
                                size_t out_cap, size_t *out_len,
                                char *err, size_t err_len);

#endif
