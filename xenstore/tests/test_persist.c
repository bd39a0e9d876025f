/* Saving and reloading the store: nodes, order, permissions, domains, damage. */
#include <unistd.h>

#include "harness.h"
#include "persist.h"

static char state_file[] = "/tmp/lintel-test-persist-XXXXXX";

static struct xs_conn *fake_attach(void *ctx, uint32_t domid, uint64_t mfn, uint32_t port,
                                   int *err)
{
    static struct xs_conn c;

    (void)ctx; (void)mfn; (void)port; (void)err;
    conn_init(&c, domid, false);
    return &c;
}

static int setup(void **state)
{
    int fd = mkstemp(state_file);

    (void)state;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(state_file);
    memcpy(state_file + strlen(state_file) - 6, "XXXXXX", 6);
    return 0;
}

static struct xs_conn watcher;
static int restored_watches;

static void count_watch(void *ctx, uint32_t domid, const char *path, const char *token,
                        bool relative)
{
    (void)ctx;
    assert_int_equal(domid, 4);
    assert_string_equal(path, "/local/domain/4/x");
    assert_string_equal(token, "tk");
    assert_false(relative);
    restored_watches++;
}

static void test_round_trip(void **state)
{
    struct store a, b;
    struct xs_conn dom0;

    (void)state;
    store_init(&a);
    a.hooks = (struct store_hooks){ fake_attach, NULL, NULL };
    conn_init(&dom0, 0, true);
    send_write(&a, &dom0, 0, "/z/second", "2");
    send_write(&a, &dom0, 0, "/z/first", "bin\001ary");
    send_strings(&a, &dom0, XS_SET_PERMS, 0, "/z/first", "b3", "r4", NULL);
    send_strings(&a, &dom0, XS_INTRODUCE, 0, "4", "77", "9", NULL);
    send_strings(&a, store_find_domain(&a, 4)->conn, XS_WATCH, 0, "/local/domain/4/x", "tk",
                 NULL);
    send_strings(&a, &dom0, XS_WATCH, 0, "/z", "socket-watch-is-not-kept", NULL);
    msgq_clear(&dom0.out);
    msgq_clear(&store_find_domain(&a, 4)->conn->out);
    assert_int_equal(persist_save(&a, state_file), 0);

    store_init(&b);
    restored_watches = 0;
    assert_int_equal(persist_load(&b, state_file, count_watch, NULL), 0);
    assert_int_equal(restored_watches, 1);
    send_strings(&b, &dom0, XS_DIRECTORY, 0, "/z", NULL);
    expect_reply(&dom0, XS_DIRECTORY, "second\0first\0", 13);
    send_strings(&b, &dom0, XS_READ, 0, "/z/first", NULL);
    expect_reply(&dom0, XS_READ, "bin\001ary", 7);
    send_strings(&b, &dom0, XS_GET_PERMS, 0, "/z/first", NULL);
    expect_reply(&dom0, XS_GET_PERMS, "b3\0r4", 6);
    assert_non_null(store_find_domain(&b, 4));
    assert_int_equal(store_find_domain(&b, 4)->mfn, 77);
    assert_int_equal(owner_count(&b.tree.owners, 3), 1);
    store_conn_closed(&a, &dom0);
    store_conn_closed(&a, store_find_domain(&a, 4)->conn);
    store_destroy(&a);
    store_destroy(&b);
    (void)watcher;
}

static void test_damaged_file_leaves_empty_store(void **state)
{
    struct store s;
    struct xs_conn dom0;
    FILE *f = fopen(state_file, "wb");

    (void)state;
    fputs("LINTEL-STORED-STATE 1\nN\377\377\377\377", f);
    fclose(f);
    store_init(&s);
    conn_init(&dom0, 0, true);
    assert_int_equal(persist_load(&s, state_file, NULL, NULL), EINVAL);
    send_strings(&s, &dom0, XS_READ, 0, "/tool/xenstored", NULL);
    expect_reply(&dom0, XS_READ, "", 0);
    assert_int_equal(persist_load(&s, "/nonexistent/state", NULL, NULL), ENOENT);
    store_destroy(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_file_leaves_empty_store, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
