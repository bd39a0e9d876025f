/* Transactions: isolation, conflicts (EAGAIN), commit effects and watch timing. */
#include "harness.h"

struct fixture {
    struct store s;
    struct xs_conn a, b;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    store_init(&f->s);
    conn_init(&f->a, 0, true);
    conn_init(&f->b, 0, true);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    store_conn_closed(&f->s, &f->a);
    store_conn_closed(&f->s, &f->b);
    msgq_clear(&f->a.out);
    msgq_clear(&f->b.out);
    store_destroy(&f->s);
    free(f);
    return 0;
}

static uint32_t start_tx(struct fixture *f, struct xs_conn *c)
{
    struct xs_msg *m;
    uint32_t id;

    (void)f;
    send_strings(&f->s, c, XS_TRANSACTION_START, 0, "", NULL);
    m = next_msg(c);
    assert_int_equal(m->hdr.type, XS_TRANSACTION_START);
    id = (uint32_t)strtoul(m->body, NULL, 10);
    assert_true(id != 0);
    free(m);
    return id;
}

static void test_isolation_then_commit(void **state)
{
    struct fixture *f = *state;
    uint32_t t = start_tx(f, &f->a);

    send_write(&f->s, &f->a, t, "/x/y", "in-tx");
    expect_ok(&f->a, XS_WRITE);
    send_strings(&f->s, &f->b, XS_READ, 0, "/x/y", NULL);
    expect_error(&f->b, "ENOENT");
    send_strings(&f->s, &f->a, XS_READ, t, "/x/y", NULL);
    expect_reply(&f->a, XS_READ, "in-tx", 5);
    send_strings(&f->s, &f->a, XS_TRANSACTION_END, t, "T", NULL);
    expect_ok(&f->a, XS_TRANSACTION_END);
    send_strings(&f->s, &f->b, XS_READ, 0, "/x/y", NULL);
    expect_reply(&f->b, XS_READ, "in-tx", 5);
    send_strings(&f->s, &f->a, XS_READ, t, "/x/y", NULL);
    expect_error(&f->a, "ENOENT");     /* the transaction is gone */
}

static void test_conflict_gives_eagain(void **state)
{
    struct fixture *f = *state;
    uint32_t t;

    send_write(&f->s, &f->b, 0, "/c", "0");
    expect_ok(&f->b, XS_WRITE);
    t = start_tx(f, &f->a);
    send_strings(&f->s, &f->a, XS_READ, t, "/c", NULL);
    expect_reply(&f->a, XS_READ, "0", 1);
    send_write(&f->s, &f->b, 0, "/c", "1");
    expect_ok(&f->b, XS_WRITE);
    send_write(&f->s, &f->a, t, "/c", "2");
    expect_ok(&f->a, XS_WRITE);
    send_strings(&f->s, &f->a, XS_TRANSACTION_END, t, "T", NULL);
    expect_error(&f->a, "EAGAIN");
    send_strings(&f->s, &f->b, XS_READ, 0, "/c", NULL);
    expect_reply(&f->b, XS_READ, "1", 1);
}

static void test_conflict_on_created_node(void **state)
{
    struct fixture *f = *state;
    uint32_t t = start_tx(f, &f->a);

    send_strings(&f->s, &f->a, XS_READ, t, "/new", NULL);
    expect_error(&f->a, "ENOENT");
    send_write(&f->s, &f->b, 0, "/new", "x");
    expect_ok(&f->b, XS_WRITE);
    send_strings(&f->s, &f->a, XS_TRANSACTION_END, t, "T", NULL);
    expect_error(&f->a, "EAGAIN");
}

static void test_abort_discards(void **state)
{
    struct fixture *f = *state;
    uint32_t t = start_tx(f, &f->a);

    send_strings(&f->s, &f->a, XS_RM, t, "/tool", NULL);
    expect_ok(&f->a, XS_RM);
    send_strings(&f->s, &f->a, XS_TRANSACTION_END, t, "F", NULL);
    expect_ok(&f->a, XS_TRANSACTION_END);
    send_strings(&f->s, &f->a, XS_READ, 0, "/tool/xenstored", NULL);
    expect_reply(&f->a, XS_READ, "", 0);
}

static void test_watch_fires_at_commit_only(void **state)
{
    struct fixture *f = *state;
    uint32_t t;

    send_strings(&f->s, &f->b, XS_WATCH, 0, "/w", "tok", NULL);
    expect_ok(&f->b, XS_WATCH);
    expect_event(&f->b, "/w", "tok");
    t = start_tx(f, &f->a);
    send_write(&f->s, &f->a, t, "/w/1", "a");
    expect_ok(&f->a, XS_WRITE);
    expect_nothing(&f->b);
    send_strings(&f->s, &f->a, XS_TRANSACTION_END, t, "T", NULL);
    expect_ok(&f->a, XS_TRANSACTION_END);
    expect_event(&f->b, "/w/1", "tok");
    expect_nothing(&f->b);
}

static void test_bad_transaction_requests(void **state)
{
    struct fixture *f = *state;
    uint32_t t = start_tx(f, &f->a);

    send_strings(&f->s, &f->a, XS_TRANSACTION_START, t, "", NULL);
    expect_error(&f->a, "EBUSY");
    send_strings(&f->s, &f->a, XS_TRANSACTION_END, t, "maybe", NULL);
    expect_error(&f->a, "EINVAL");
    send_strings(&f->s, &f->a, XS_TRANSACTION_END, 0, "T", NULL);
    expect_error(&f->a, "ENOENT");
    send_strings(&f->s, &f->a, XS_READ, 999, "/", NULL);
    expect_error(&f->a, "ENOENT");
    send_strings(&f->s, &f->b, XS_TRANSACTION_END, t, "T", NULL);
    expect_error(&f->b, "ENOENT");   /* another connection's transaction is invisible */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_isolation_then_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_gives_eagain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_on_created_node, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_discards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_fires_at_commit_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_transaction_requests, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
