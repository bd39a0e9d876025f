/*
 * libFuzzer target for the hypervisor's .xz decoder. Input layout:
 *   byte 0  output capacity (odd: byte >> 1 bytes; even: byte << 9 bytes),
 *           so "output too large" paths get fuzzed as much as decoding;
 *   byte 1  what to feed the rest to: low 2 bits 0 = the whole .xz
 *           decoder, 1 = the raw LZMA2 decoder (bits 2-7 pick the
 *           dictionary size), 2 = the x86 BCJ filter. Raw LZMA2 matters:
 *           the container's CRCs stop most mutations from reaching it.
 * The output buffer has exactly that capacity, so ASan flags any write past
 * out_cap, and the fuzzer's own input buffer flags any read past in_len.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lintel/xz.h>

#include "../../hypervisor/common/xz/xz_private.h"

static struct lzma_decoder lzma;

static void check_result(int rc, size_t len, size_t cap, const char *err)
{
    if (rc > 0 || (rc == 0 && len > cap))
        abort();
    if (rc < 0 && (strncmp(err, "xz: ", 4) != 0 || strlen(err) < 6))
        abort();
}

static void fuzz_container(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap)
{
    char err[160];
    size_t len;
    int rc;

    rc = xz_decompress(in, in_len, out, cap, &len, err, sizeof(err));
    check_result(rc, len, cap, err);
    rc = xz_decompress_linux_payload(in, in_len, out, cap, &len, err, sizeof(err));
    check_result(rc, len, cap, err);
}

static void fuzz_raw_lzma2(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
                           unsigned dict_code)
{
    char err[160];
    struct xz_run r = {
        .in = in, .in_len = in_len, .out = out, .out_cap = cap,
        .err = err, .err_len = sizeof(err),
    };
    uint32_t dict_size = (2u | (dict_code & 1)) << (dict_code / 2 + 11);
    int rc = lzma2_decode(&r, &lzma, in_len, dict_size);

    check_result(rc, r.out_pos, cap, err);
    if (r.in_pos > in_len)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap;
    uint8_t *out;

    if (size < 2)
        return 0;
    cap = data[0] & 1 ? data[0] >> 1 : (size_t)data[0] << 9;
    out = malloc(cap ? cap : 1);
    switch (data[1] & 3) {
    case 0:
        fuzz_container(data + 2, size - 2, out, cap);
        break;
    case 1:
        fuzz_raw_lzma2(data + 2, size - 2, out, cap, (data[1] >> 2) % 20);
        break;
    case 2:
        if (size - 2 <= cap) {
            memcpy(out, data + 2, size - 2);
            bcj_x86_decode(out, size - 2, (uint32_t)cap);
        }
        break;
    }
    free(out);
    return 0;
}
