/*
 * Unit tests for lintel-consoled's parts that run on a host without Xen:
 * the bounded pty queue, log files (naming, rotation), and a guest console
 * driven over an ordinary in-memory ring and a real pty, with the hostile
 * rings a guest can present.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "consoled.h"

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/consoled-test-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static size_t drain_queue(struct out_queue *q, char *out, size_t cap)
{
    size_t got = 0;
    const char *p;
    size_t run;

    while ((run = out_queue_peek(q, &p)) > 0 && got + run <= cap) {
        memcpy(out + got, p, run);
        got += run;
        out_queue_consume(q, run);
    }
    return got;
}

static void test_queue_keeps_the_newest_bytes(void **state)
{
    struct out_queue q;
    char out[64];

    (void)state;
    assert_int_equal(out_queue_init(&q, 8), 0);
    out_queue_push(&q, "abcde", 5);
    out_queue_push(&q, "fghij", 5);
    assert_int_equal(q.len, 8);
    assert_int_equal(q.dropped, 2);
    assert_int_equal(drain_queue(&q, out, sizeof(out)), 8);
    assert_memory_equal(out, "cdefghij", 8);
    /* A push bigger than the queue keeps only its own tail. */
    out_queue_push(&q, "0123456789AB", 12);
    assert_int_equal(drain_queue(&q, out, sizeof(out)), 8);
    assert_memory_equal(out, "456789AB", 8);
    assert_int_equal(q.dropped, 6);
    out_queue_free(&q);
}

static void test_log_name_is_a_safe_file_name(void **state)
{
    char out[96];

    (void)state;
    console_log_file_name("debian-pv", 3, out, sizeof(out));
    assert_string_equal(out, "debian-pv");
    /* The guest owns /local/domain/N/name: nothing it writes may leave DIR. */
    const char *hostile[] = { "../../etc/passwd", "..", ".hidden", "a/b", "", NULL,
                              "-rf", "name with space",
                              "x123456789x123456789x123456789x123456789x123456789x123456789x123456789" };
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        console_log_file_name(hostile[i], 7, out, sizeof(out));
        assert_string_equal(out, "domain-7");
    }
}

static off_t file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? st.st_size : -1;
}

static void test_log_rotates_at_its_limit(void **state)
{
    struct console_log log;
    char path[128], old[136], line[100];

    (void)state;
    memset(line, 'x', sizeof(line));
    assert_int_equal(console_log_open(&log, tmpdir, "rot", 1000), 0);
    for (int i = 0; i < 25; i++)
        assert_int_equal(console_log_write(&log, line, sizeof(line)), 0);
    console_log_close(&log);
    snprintf(path, sizeof(path), "%s/rot.log", tmpdir);
    snprintf(old, sizeof(old), "%s/rot.log.1", tmpdir);
    /* 2500 bytes through a 1000-byte limit: 1000 kept aside, 500 current. */
    assert_int_equal(file_size(old), 1000);
    assert_int_equal(file_size(path), 500);
    /* Reopening appends to what is there (a rebooted guest keeps its log). */
    assert_int_equal(console_log_open(&log, tmpdir, "rot", 1000), 0);
    assert_int_equal(console_log_write(&log, "y", 1), 0);
    console_log_close(&log);
    assert_int_equal(file_size(path), 501);
}

/* A guest console over an in-memory ring and a real pty, as the daemon runs it. */
struct fixture {
    struct consoled d;
    struct guest_console g;
    struct xencons_interface ring;
    int reader_fd;
};

static struct fixture *fixture_new(size_t pty_buffer)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct termios raw;

    assert_non_null(f);
    f->d.evtchn_fd = -1;    /* notifications fail harmlessly on the host */
    f->g.connected = true;
    f->g.ring = &f->ring;
    f->g.master_fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    assert_true(f->g.master_fd >= 0);
    assert_int_equal(grantpt(f->g.master_fd), 0);
    assert_int_equal(unlockpt(f->g.master_fd), 0);
    f->g.slave_fd = open(ptsname(f->g.master_fd), O_RDWR | O_NOCTTY);
    assert_true(f->g.slave_fd >= 0);
    tcgetattr(f->g.slave_fd, &raw);
    cfmakeraw(&raw);
    tcsetattr(f->g.slave_fd, TCSANOW, &raw);
    f->reader_fd = open(ptsname(f->g.master_fd), O_RDWR | O_NOCTTY | O_NONBLOCK);
    assert_true(f->reader_fd >= 0);
    assert_int_equal(out_queue_init(&f->g.pty_out, pty_buffer), 0);
    assert_int_equal(console_log_open(&f->g.log, tmpdir, "guest", 1 << 20), 0);
    return f;
}

static void fixture_free(struct fixture *f)
{
    close(f->reader_fd);
    /* The ring is ours, not a foreign mapping: keep disconnect from unmapping it. */
    f->g.ring = NULL;
    guest_console_disconnect(&f->d, &f->g);
    free(f);
}

static void guest_writes(struct xencons_interface *ring, const char *text)
{
    for (size_t i = 0; text[i]; i++)
        ring->out[MASK_XENCONS_IDX(ring->out_prod++, ring->out)] = text[i];
}

static size_t read_pty(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    ssize_t n;

    usleep(20 * 1000);  /* the pty moves bytes to the reader's side in a worker */
    while (got < cap && (n = read(fd, buf + got, cap - got)) > 0)
        got += (size_t)n;
    return got;
}

static void test_output_reaches_log_and_pty(void **state)
{
    struct fixture *f = fixture_new(4096);
    char buf[256], path[128], logged[256] = "";
    FILE *log;

    (void)state;
    guest_writes(&f->ring, "login: ");
    assert_true(guest_console_drain(&f->d, &f->g));
    assert_int_equal(f->ring.out_cons, f->ring.out_prod);
    assert_int_equal(read_pty(f->reader_fd, buf, sizeof(buf)), 7);
    assert_memory_equal(buf, "login: ", 7);
    snprintf(path, sizeof(path), "%s/guest.log", tmpdir);
    log = fopen(path, "r");
    assert_non_null(log);
    assert_int_equal(fread(logged, 1, sizeof(logged) - 1, log), 7);
    fclose(log);
    assert_string_equal(logged, "login: ");
    fixture_free(f);
}

static void test_input_from_pty_reaches_the_ring(void **state)
{
    struct fixture *f = fixture_new(4096);

    (void)state;
    assert_int_equal(write(f->reader_fd, "ls\r", 3), 3);
    usleep(20 * 1000);
    guest_console_pty_input(&f->d, &f->g);
    assert_int_equal(f->ring.in_prod, 3);
    assert_memory_equal(f->ring.in, "ls\r", 3);
    /* A full ring takes nothing more, and a consumer index ahead of the
     * producer (nonsense) counts as full, not as 4 GiB of room. */
    f->ring.in_prod = sizeof(f->ring.in);
    f->ring.in_cons = 0;
    assert_int_equal(guest_console_input_room(&f->g), 0);
    f->ring.in_prod = 5;
    f->ring.in_cons = 9;
    assert_int_equal(guest_console_input_room(&f->g), 0);
    f->ring.in_cons = 5;
    assert_int_equal(guest_console_input_room(&f->g), sizeof(f->ring.in));
    fixture_free(f);
}

static void test_hostile_ring_indexes_are_bounded(void **state)
{
    struct fixture *f = fixture_new(4096);
    char buf[8192];

    (void)state;
    /* A producer claiming 3 GiB of output yields at most one ring per pass. */
    f->ring.out_prod = 0xc0000000u;
    guest_console_drain(&f->d, &f->g);
    assert_int_equal(f->g.out_cons, 0xc0000000u);
    assert_true(f->g.log.size <= 32 * (off_t)sizeof(f->ring.out));
    read_pty(f->reader_fd, buf, sizeof(buf));
    /* The guest rewinding out_cons cannot make us replay its ring. */
    f->ring.out_cons = f->ring.out_prod - 2000;
    assert_false(guest_console_drain(&f->d, &f->g));
    fixture_free(f);
}

static void test_a_pty_nobody_reads_never_blocks_the_daemon(void **state)
{
    struct fixture *f = fixture_new(4096);
    char line[65], buf[1 << 16];
    size_t got;

    (void)state;
    /* 1 MiB of output with nobody reading the pty: every drain returns. */
    for (int i = 0; i < 16384; i++) {
        snprintf(line, sizeof(line), "%063d\n", i);
        guest_writes(&f->ring, line);
        guest_console_drain(&f->d, &f->g);
    }
    assert_true(f->g.pty_out.len <= 4096);
    /* A reader arriving now finds the newest output at the end of what waits. */
    got = read_pty(f->reader_fd, buf, sizeof(buf));
    guest_console_pty_flush(&f->d, &f->g);
    got += read_pty(f->reader_fd, buf + got, sizeof(buf) - got);
    /* What waits is bounded (the pty's buffer and ours), not the whole MiB. */
    assert_true(got >= 64 && got < (1 << 16));
    assert_memory_equal(buf + got - 64, "000000000000000000000000000000000000000000000000000000000016383\n",
                        64);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_keeps_the_newest_bytes),
        cmocka_unit_test(test_log_name_is_a_safe_file_name),
        cmocka_unit_test(test_log_rotates_at_its_limit),
        cmocka_unit_test(test_output_reaches_log_and_pty),
        cmocka_unit_test(test_input_from_pty_reaches_the_ring),
        cmocka_unit_test(test_hostile_ring_indexes_are_bounded),
        cmocka_unit_test(test_a_pty_nobody_reads_never_blocks_the_daemon),
    };

    return cmocka_run_group_tests_name("consoled", tests, make_tmpdir, remove_tmpdir);
}
