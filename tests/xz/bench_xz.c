/*
 * Times Lintel's xz decoder against liblzma (single-threaded) on a Linux
 * kernel payload (an .xz stream plus the 4-byte size trailer), checks the
 * two outputs are identical, and prints one line of key=value results.
 * Built with the hypervisor's optimisation level (-O2) by test_xz_perf.py.
 */
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lintel/xz.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;

    if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
        return NULL;
    buf = malloc(n ? n : 1);
    if (buf && fread(buf, 1, n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    size_t in_len, size, ours_len = 0, in_pos = 0, ref_pos = 0;
    uint64_t memlimit = UINT64_MAX;
    unsigned char *in, *ours, *ref;
    double t0, t_ours = 1e9, t_ref = 1e9;
    int rounds = argc > 2 ? atoi(argv[2]) : 1;
    char err[200];

    if (argc < 2 || !(in = read_file(argv[1], &in_len))) {
        fprintf(stderr, "usage: %s KERNEL-PAYLOAD [ROUNDS] (readable file)\n", argv[0]);
        return 2;
    }
    if (xz_linux_payload_size(in, in_len, &size, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    ours = malloc(size);
    ref = malloc(size);
    for (int i = 0; i < rounds; i++) {
        t0 = now();
        if (xz_decompress_linux_payload(in, in_len, ours, size, &ours_len, err,
                                        sizeof(err))) {
            fprintf(stderr, "lintel: %s\n", err);
            return 1;
        }
        t_ours = t_ours < now() - t0 ? t_ours : now() - t0;
        in_pos = ref_pos = 0;
        t0 = now();
        if (lzma_stream_buffer_decode(&memlimit, 0, NULL, in, &in_pos, in_len - 4,
                                      ref, &ref_pos, size) != LZMA_OK) {
            fprintf(stderr, "liblzma failed\n");
            return 1;
        }
        t_ref = t_ref < now() - t0 ? t_ref : now() - t0;
    }
    if (ours_len != ref_pos || memcmp(ours, ref, ours_len)) {
        fprintf(stderr, "outputs differ: lintel %zu bytes, liblzma %zu bytes\n",
                ours_len, ref_pos);
        return 1;
    }
    printf("bytes=%zu lintel_s=%.3f liblzma_s=%.3f ratio=%.2f\n", ours_len, t_ours,
           t_ref, t_ours / t_ref);
    return 0;
}
