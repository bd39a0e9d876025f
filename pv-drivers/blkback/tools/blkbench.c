/*
 * blkbench DEVICE [SECONDS]: the block bench run inside a domU (make bench,
 * tests/bench/bench_blk.py). Sequential 1 MiB and random 4 KiB reads and
 * writes with O_DIRECT, so every request reaches the backend, each for
 * SECONDS (default 5); then random 4 KiB reads and writes from 8 processes
 * at once (queue depth 8), which a backend serving one request at a time
 * cannot speed up. Prints one "blkbench: NAME VALUE UNIT" line per figure.
 * Writes destroy the device's first 64 MiB.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* O_DIRECT */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define SPAN (64ull << 20)

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift: reproducible offsets without libc's rand state. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

#define DEPTH 8

static int run_ops(int fd, void *buf, size_t block, int write_it, int random_it,
                   double seconds, const char *name, uint64_t seed, uint64_t *ops_done,
                   double *elapsed_out)
{
    uint64_t ops = 0, offset = 0;
    double start = now(), elapsed;

    do {
        ssize_t done;

        if (random_it)
            offset = next_random(&seed) % (SPAN / block) * block;
        done = write_it ? pwrite(fd, buf, block, (off_t)offset)
                        : pread(fd, buf, block, (off_t)offset);
        if (done != (ssize_t)block) {
            printf("blkbench: %s failed at %llu: %s\n", name, (unsigned long long)offset,
                   done < 0 ? strerror(errno) : "short transfer");
            return -1;
        }
        ops++;
        offset = (offset + block) % SPAN;
    } while ((elapsed = now() - start) < seconds);
    *ops_done = ops;
    *elapsed_out = elapsed;
    return 0;
}

static void report(const char *name, size_t block, uint64_t ops, double elapsed)
{
    if (block >= (1u << 20))
        printf("blkbench: %s %.2f MiB/s\n", name, (double)ops * block / elapsed / (1 << 20));
    else
        printf("blkbench: %s %.0f IOPS\n", name, ops / elapsed);
    fflush(stdout);
}

static int run(int fd, void *buf, size_t block, int write_it, int random_it, double seconds,
               const char *name)
{
    uint64_t ops;
    double elapsed;

    if (run_ops(fd, buf, block, write_it, random_it, seconds, name, 0x9e3779b97f4a7c15ull,
                &ops, &elapsed) < 0)
        return -1;
    report(name, block, ops, elapsed);
    return 0;
}

/* DEPTH processes, each with its own descriptor and offsets, for SECONDS together. */
static int run_parallel(const char *device, int write_it, double seconds, const char *name)
{
    int fds[2];
    uint64_t total = 0, ops;
    double start = now();
    int failed = 0, status;

    if (pipe(fds) < 0)
        return -1;
    for (int i = 0; i < DEPTH; i++) {
        pid_t pid = fork();

        if (pid < 0)
            return -1;
        if (pid == 0) {
            void *buf;
            double elapsed;
            int fd = open(device, O_RDWR | O_DIRECT);

            ops = 0;
            if (fd >= 0 && posix_memalign(&buf, 4096, 4096) == 0) {
                memset(buf, 0x5a, 4096);
                if (run_ops(fd, buf, 4096, write_it, 1, seconds, name,
                            0x9e3779b97f4a7c15ull + (uint64_t)i * 7919, &ops, &elapsed) < 0)
                    ops = 0;
            }
            _exit(write(fds[1], &ops, sizeof(ops)) == sizeof(ops) && ops ? 0 : 1);
        }
    }
    close(fds[1]);
    for (int i = 0; i < DEPTH; i++) {
        if (read(fds[0], &ops, sizeof(ops)) == sizeof(ops))
            total += ops;
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
            failed = 1;
    }
    close(fds[0]);
    if (failed) {
        printf("blkbench: %s failed in a worker process\n", name);
        return -1;
    }
    report(name, 4096, total, now() - start);
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = argc > 2 ? atof(argv[2]) : 5;
    void *buf;
    int fd;

    if (argc < 2 || seconds <= 0) {
        fprintf(stderr, "usage: blkbench DEVICE [SECONDS]\n");
        return 2;
    }
    fd = open(argv[1], O_RDWR | O_DIRECT);
    if (fd < 0 || posix_memalign(&buf, 4096, 1u << 20)) {
        printf("blkbench: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    memset(buf, 0xa5, 1u << 20);
    if (run(fd, buf, 1u << 20, 1, 0, seconds, "seq-write") ||
        run(fd, buf, 1u << 20, 0, 0, seconds, "seq-read") ||
        run(fd, buf, 4096, 1, 1, seconds, "rand-write-4k") ||
        run(fd, buf, 4096, 0, 1, seconds, "rand-read-4k") ||
        run_parallel(argv[1], 1, seconds, "rand-write-4k-qd8") ||
        run_parallel(argv[1], 0, seconds, "rand-read-4k-qd8"))
        return 1;
    fsync(fd);
    printf("blkbench: done\n");
    return 0;
}
