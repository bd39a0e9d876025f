/* Request semantics: every message type, permissions, quotas, watches, domains. */
#include "harness.h"

struct fixture {
    struct store s;
    struct xs_conn dom0, guest, other;
    struct xs_conn *attached;
};

static struct xs_conn *test_attach(void *ctx, uint32_t domid, uint64_t mfn, uint32_t port,
                                   int *err)
{
    struct fixture *f = ctx;

    (void)mfn;
    if (port == 666) {
        *err = EINVAL;
        return NULL;
    }
    f->attached = calloc(1, sizeof(*f->attached));
    conn_init(f->attached, domid, false);
    return f->attached;
}

static void test_detach(void *ctx, struct xs_conn *c)
{
    struct fixture *f = ctx;

    msgq_clear(&c->out);
    free(c);
    if (f->attached == c)
        f->attached = NULL;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    store_init(&f->s);
    f->s.hooks = (struct store_hooks){ test_attach, test_detach, f };
    conn_init(&f->dom0, 0, true);
    conn_init(&f->guest, 5, false);
    conn_init(&f->other, 6, false);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    struct xs_conn *cs[] = { &f->dom0, &f->guest, &f->other };

    for (int i = 0; i < 3; i++) {
        store_conn_closed(&f->s, cs[i]);
        msgq_clear(&cs[i]->out);
    }
    if (f->attached) {
        store_conn_closed(&f->s, f->attached);
        test_detach(f, f->attached);
    }
    store_destroy(&f->s);
    free(f);
    return 0;
}

/* /local/domain/5 owned by domain 5, as a toolstack sets it up. */
static void make_guest_home(struct fixture *f)
{
    send_strings(&f->s, &f->dom0, XS_MKDIR, 0, "/local/domain/5", NULL);
    expect_ok(&f->dom0, XS_MKDIR);
    send_strings(&f->s, &f->dom0, XS_SET_PERMS, 0, "/local/domain/5", "n5", NULL);
    expect_ok(&f->dom0, XS_SET_PERMS);
}

static void test_write_creates_parents(void **state)
{
    struct fixture *f = *state;

    send_write(&f->s, &f->dom0, 0, "/a/b/c", "v");
    expect_ok(&f->dom0, XS_WRITE);
    send_strings(&f->s, &f->dom0, XS_READ, 0, "/a/b", NULL);
    expect_reply(&f->dom0, XS_READ, "", 0);
    send_strings(&f->s, &f->dom0, XS_DIRECTORY, 0, "/", NULL);
    expect_reply(&f->dom0, XS_DIRECTORY, "tool\0a\0", 7);
    send_strings(&f->s, &f->dom0, XS_GET_PERMS, 0, "/a/b/c", NULL);
    expect_reply(&f->dom0, XS_GET_PERMS, "n0", 3);
}

static void test_mkdir_rm(void **state)
{
    struct fixture *f = *state;

    send_strings(&f->s, &f->dom0, XS_MKDIR, 0, "/m/n", NULL);
    expect_ok(&f->dom0, XS_MKDIR);
    send_strings(&f->s, &f->dom0, XS_MKDIR, 0, "/m/n", NULL);
    expect_ok(&f->dom0, XS_MKDIR);
    send_strings(&f->s, &f->dom0, XS_RM, 0, "/m", NULL);
    expect_ok(&f->dom0, XS_RM);
    send_strings(&f->s, &f->dom0, XS_READ, 0, "/m/n", NULL);
    expect_error(&f->dom0, "ENOENT");
    send_strings(&f->s, &f->dom0, XS_RM, 0, "/m", NULL);
    expect_ok(&f->dom0, XS_RM);               /* parent exists: removing nothing is fine */
    send_strings(&f->s, &f->dom0, XS_RM, 0, "/m/n", NULL);
    expect_error(&f->dom0, "ENOENT");
    send_strings(&f->s, &f->dom0, XS_RM, 0, "/", NULL);
    expect_error(&f->dom0, "EINVAL");
}

static void test_directory_part(void **state)
{
    struct fixture *f = *state;
    char name[64];
    struct xs_msg *m;
    const char *gen_end;

    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "/big/child-number-%03d", i);
        send_write(&f->s, &f->dom0, 0, name, "");
        expect_ok(&f->dom0, XS_WRITE);
    }
    send_strings(&f->s, &f->dom0, XS_DIRECTORY_PART, 0, "/big", "0", NULL);
    m = next_msg(&f->dom0);
    assert_int_equal(m->hdr.type, XS_DIRECTORY_PART);
    assert_true(m->hdr.len <= XENSTORE_PAYLOAD_MAX);
    gen_end = memchr(m->body, '\0', m->hdr.len);
    assert_string_equal(gen_end + 1, "child-number-000");
    assert_true(m->body[m->hdr.len - 2] != '\0');    /* more to come: no end marker */
    snprintf(name, sizeof(name), "%u", m->hdr.len - (unsigned)(gen_end + 1 - m->body));
    free(m);
    send_strings(&f->s, &f->dom0, XS_DIRECTORY_PART, 0, "/big", name, NULL);
    m = next_msg(&f->dom0);
    assert_int_equal(m->body[m->hdr.len - 1], '\0');
    assert_int_equal(m->body[m->hdr.len - 2], '\0');  /* the end marker */
    assert_string_equal(m->body + m->hdr.len - 18, "child-number-299");
    free(m);
    send_strings(&f->s, &f->dom0, XS_DIRECTORY_PART, 0, "/big", "99999", NULL);
    expect_error(&f->dom0, "EINVAL");
}

static void test_guest_permissions(void **state)
{
    struct fixture *f = *state;

    make_guest_home(f);
    send_write(&f->s, &f->guest, 0, "data/x", "1");       /* relative to its home */
    expect_ok(&f->guest, XS_WRITE);
    send_strings(&f->s, &f->dom0, XS_GET_PERMS, 0, "/local/domain/5/data/x", NULL);
    expect_reply(&f->dom0, XS_GET_PERMS, "n5", 3);
    send_strings(&f->s, &f->other, XS_READ, 0, "/local/domain/5/data/x", NULL);
    expect_error(&f->other, "EACCES");
    send_strings(&f->s, &f->other, XS_READ, 0, "/local/domain/5/data/nothere", NULL);
    expect_error(&f->other, "EACCES");   /* cannot even learn it is missing */
    send_strings(&f->s, &f->guest, XS_READ, 0, "data/nothere", NULL);
    expect_error(&f->guest, "ENOENT");
    send_write(&f->s, &f->guest, 0, "/tool/x", "1");
    expect_error(&f->guest, "EACCES");
    send_strings(&f->s, &f->guest, XS_SET_PERMS, 0, "data/x", "n5", "r6", NULL);
    expect_ok(&f->guest, XS_SET_PERMS);
    send_strings(&f->s, &f->other, XS_READ, 0, "/local/domain/5/data/x", NULL);
    expect_reply(&f->other, XS_READ, "1", 1);
    send_write(&f->s, &f->other, 0, "/local/domain/5/data/x", "2");
    expect_error(&f->other, "EACCES");
    send_strings(&f->s, &f->guest, XS_SET_PERMS, 0, "data/x", "n6", NULL);
    expect_error(&f->guest, "EPERM");    /* only the tools give nodes away */
    send_strings(&f->s, &f->other, XS_SET_PERMS, 0, "/local/domain/5/data/x", "b6", NULL);
    expect_error(&f->other, "EACCES");
    send_strings(&f->s, &f->guest, XS_SET_PERMS, 0, "data/x", "q5", NULL);
    expect_error(&f->guest, "EINVAL");
}

static void test_missing_node_errors_follow_the_needed_access(void **state)
{
    struct fixture *f = *state;

    send_strings(&f->s, &f->dom0, XS_MKDIR, 0, "/pub", NULL);
    expect_ok(&f->dom0, XS_MKDIR);
    send_strings(&f->s, &f->dom0, XS_SET_PERMS, 0, "/pub", "r0", NULL);
    expect_ok(&f->dom0, XS_SET_PERMS);
    send_strings(&f->s, &f->guest, XS_READ, 0, "/pub/missing", NULL);
    expect_error(&f->guest, "ENOENT");       /* it may read there */
    send_strings(&f->s, &f->guest, XS_RM, 0, "/pub/missing", NULL);
    expect_error(&f->guest, "EACCES");       /* but not write */
    send_write(&f->s, &f->guest, 0, "/pub/new", "x");
    expect_error(&f->guest, "EACCES");
    send_strings(&f->s, &f->guest, XS_SET_PERMS, 0, "/pub/missing", "n5", NULL);
    expect_error(&f->guest, "EACCES");
    send_strings(&f->s, &f->guest, XS_DIRECTORY, 0, "/pub", NULL);
    expect_reply(&f->guest, XS_DIRECTORY, "", 0);
}

static void test_set_target_grants_targets_rights(void **state)
{
    struct fixture *f = *state;
    struct xs_conn *model;

    make_guest_home(f);
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "7", "100", "1", NULL);
    expect_ok(&f->dom0, XS_INTRODUCE);
    model = f->attached;
    send_strings(&f->s, model, XS_READ, 0, "/local/domain/5", NULL);
    expect_error(model, "EACCES");
    send_strings(&f->s, &f->dom0, XS_SET_TARGET, 0, "7", "9", NULL);
    expect_error(&f->dom0, "ENOENT");    /* the target must be known too */
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "5", "101", "2", NULL);
    expect_ok(&f->dom0, XS_INTRODUCE);   /* f->attached is now domain 5's */
    send_strings(&f->s, &f->dom0, XS_SET_TARGET, 0, "7", "5", NULL);
    expect_ok(&f->dom0, XS_SET_TARGET);
    send_strings(&f->s, model, XS_READ, 0, "/local/domain/5", NULL);
    expect_reply(model, XS_READ, "", 0);
    send_write(&f->s, model, 0, "/local/domain/5/device-model", "running");
    expect_ok(model, XS_WRITE);
    send_strings(&f->s, &f->dom0, XS_RELEASE, 0, "7", NULL);
    expect_ok(&f->dom0, XS_RELEASE);
}

static void test_quota_entries_and_size(void **state)
{
    struct fixture *f = *state;
    char big[3000];

    make_guest_home(f);
    f->s.quota.entries = 4;    /* the home itself counts as one */
    send_write(&f->s, &f->guest, 0, "a", "");
    expect_ok(&f->guest, XS_WRITE);
    send_write(&f->s, &f->guest, 0, "b/c/d", "");
    expect_error(&f->guest, "ENOSPC");
    send_strings(&f->s, &f->guest, XS_READ, 0, "b", NULL);
    expect_error(&f->guest, "ENOENT");    /* all or nothing */
    send_write(&f->s, &f->guest, 0, "b/c", "");
    expect_ok(&f->guest, XS_WRITE);
    send_write(&f->s, &f->dom0, 0, "/local/domain/5/tools-may", "");
    expect_ok(&f->dom0, XS_WRITE);        /* dom0 is exempt */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    send_write(&f->s, &f->guest, 0, "a", big);
    expect_error(&f->guest, "ENOSPC");
    send_strings(&f->s, &f->guest, XS_READ, 0, "a", NULL);
    expect_reply(&f->guest, XS_READ, "", 0);
}

static void test_quota_watches_and_transactions(void **state)
{
    struct fixture *f = *state;
    char tok[16];

    f->s.quota.watches = 3;
    f->s.quota.transactions = 2;
    for (int i = 0; i < 3; i++) {
        snprintf(tok, sizeof(tok), "t%d", i);
        send_strings(&f->s, &f->guest, XS_WATCH, 0, "/tool", tok, NULL);
        expect_ok(&f->guest, XS_WATCH);
        expect_event(&f->guest, "/tool", tok);
    }
    send_strings(&f->s, &f->guest, XS_WATCH, 0, "/tool", "t9", NULL);
    expect_error(&f->guest, "E2BIG");
    for (int i = 0; i < 2; i++) {
        send_strings(&f->s, &f->guest, XS_TRANSACTION_START, 0, "", NULL);
        free(next_msg(&f->guest));
    }
    send_strings(&f->s, &f->guest, XS_TRANSACTION_START, 0, "", NULL);
    expect_error(&f->guest, "ENOSPC");
    send_strings(&f->s, &f->other, XS_TRANSACTION_START, 0, "", NULL);
    free(next_msg(&f->other));            /* others are unaffected */
}

static void test_watch_semantics(void **state)
{
    struct fixture *f = *state;

    send_write(&f->s, &f->dom0, 0, "/w/deep/leaf", "1");
    expect_ok(&f->dom0, XS_WRITE);
    send_strings(&f->s, &f->other, XS_WATCH, 0, "/w", "A", NULL);
    expect_ok(&f->other, XS_WATCH);
    expect_event(&f->other, "/w", "A");
    send_strings(&f->s, &f->dom0, XS_WATCH, 0, "/w", "A", NULL);
    expect_ok(&f->dom0, XS_WATCH);
    expect_event(&f->dom0, "/w", "A");
    send_strings(&f->s, &f->dom0, XS_WATCH, 0, "/w", "A", NULL);
    expect_error(&f->dom0, "EEXIST");
    send_strings(&f->s, &f->dom0, XS_WATCH, 0, "/w/deep/leaf", "B", NULL);
    expect_ok(&f->dom0, XS_WATCH);
    expect_event(&f->dom0, "/w/deep/leaf", "B");
    send_write(&f->s, &f->dom0, 0, "/w/deep/leaf", "2");
    expect_ok(&f->dom0, XS_WRITE);
    expect_event(&f->dom0, "/w/deep/leaf", "A");
    expect_event(&f->dom0, "/w/deep/leaf", "B");
    expect_nothing(&f->other);            /* "n0" nodes: domain 6 may not see them */
    send_strings(&f->s, &f->dom0, XS_RM, 0, "/w/deep", NULL);
    expect_ok(&f->dom0, XS_RM);
    expect_event(&f->dom0, "/w/deep/leaf", "B");   /* removed below: its exact watch fires */
    expect_event(&f->dom0, "/w/deep", "A");        /* the removed top, once for /w */
    expect_nothing(&f->dom0);
    send_strings(&f->s, &f->dom0, XS_UNWATCH, 0, "/w", "A", NULL);
    expect_ok(&f->dom0, XS_UNWATCH);
    send_strings(&f->s, &f->dom0, XS_UNWATCH, 0, "/w", "A", NULL);
    expect_error(&f->dom0, "ENOENT");
    send_strings(&f->s, &f->dom0, XS_RESET_WATCHES, 0, "", NULL);
    expect_ok(&f->dom0, XS_RESET_WATCHES);
    send_write(&f->s, &f->dom0, 0, "/w/deep/leaf", "3");
    expect_ok(&f->dom0, XS_WRITE);
    expect_nothing(&f->dom0);
}

static void test_relative_watch(void **state)
{
    struct fixture *f = *state;

    make_guest_home(f);
    send_strings(&f->s, &f->guest, XS_WATCH, 0, "control", "c", NULL);
    expect_ok(&f->guest, XS_WATCH);
    expect_event(&f->guest, "control", "c");
    send_write(&f->s, &f->dom0, 0, "/local/domain/5/control/shutdown", "poweroff");
    expect_ok(&f->dom0, XS_WRITE);
    expect_event(&f->guest, "control/shutdown", "c");
}

static void test_domains(void **state)
{
    struct fixture *f = *state;

    send_strings(&f->s, &f->dom0, XS_WATCH, 0, "@introduceDomain", "i", NULL);
    expect_ok(&f->dom0, XS_WATCH);
    expect_event(&f->dom0, "@introduceDomain", "i");
    send_strings(&f->s, &f->dom0, XS_WATCH, 0, "@releaseDomain", "r", NULL);
    expect_ok(&f->dom0, XS_WATCH);
    expect_event(&f->dom0, "@releaseDomain", "r");
    send_strings(&f->s, &f->dom0, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL);
    expect_reply(&f->dom0, XS_IS_DOMAIN_INTRODUCED, "F", 2);
    send_strings(&f->s, &f->guest, XS_INTRODUCE, 0, "3", "100", "1", NULL);
    expect_error(&f->guest, "EACCES");
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "3", "100", "666", NULL);
    expect_error(&f->dom0, "EINVAL");     /* the transport could not attach */
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "3", "100x", "1", NULL);
    expect_error(&f->dom0, "EINVAL");
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "3", "100", "1", NULL);
    expect_ok(&f->dom0, XS_INTRODUCE);
    expect_event(&f->dom0, "@introduceDomain", "i");
    send_strings(&f->s, &f->dom0, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL);
    expect_reply(&f->dom0, XS_IS_DOMAIN_INTRODUCED, "T", 2);
    send_strings(&f->s, &f->dom0, XS_GET_DOMAIN_PATH, 0, "3", NULL);
    expect_reply(&f->dom0, XS_GET_DOMAIN_PATH, "/local/domain/3", 16);
    send_strings(&f->s, &f->dom0, XS_RESUME, 0, "3", NULL);
    expect_ok(&f->dom0, XS_RESUME);
    send_strings(&f->s, &f->dom0, XS_RESUME, 0, "4", NULL);
    expect_error(&f->dom0, "ENOENT");
    send_strings(&f->s, &f->dom0, XS_RELEASE, 0, "3", NULL);
    expect_ok(&f->dom0, XS_RELEASE);
    expect_event(&f->dom0, "@releaseDomain", "r");
    send_strings(&f->s, &f->dom0, XS_RELEASE, 0, "3", NULL);
    expect_error(&f->dom0, "ENOENT");
    send_strings(&f->s, &f->dom0, XS_GET_DOMAIN_PATH, 0, "65535", NULL);
    expect_error(&f->dom0, "EINVAL");
    send_strings(&f->s, &f->dom0, XS_RELEASE, 0, "0", NULL);
    expect_error(&f->dom0, "EINVAL");
}

static void test_special_watch_needs_permission(void **state)
{
    struct fixture *f = *state;

    send_strings(&f->s, &f->guest, XS_WATCH, 0, "@releaseDomain", "r", NULL);
    expect_ok(&f->guest, XS_WATCH);
    expect_event(&f->guest, "@releaseDomain", "r");
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "3", "100", "1", NULL);
    expect_ok(&f->dom0, XS_INTRODUCE);
    send_strings(&f->s, &f->dom0, XS_RELEASE, 0, "3", NULL);
    expect_ok(&f->dom0, XS_RELEASE);
    expect_nothing(&f->guest);
    send_strings(&f->s, &f->dom0, XS_SET_PERMS, 0, "@releaseDomain", "n0", "r5", NULL);
    expect_ok(&f->dom0, XS_SET_PERMS);
    send_strings(&f->s, &f->dom0, XS_GET_PERMS, 0, "@releaseDomain", NULL);
    expect_reply(&f->dom0, XS_GET_PERMS, "n0\0r5", 6);
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "3", "100", "1", NULL);
    expect_ok(&f->dom0, XS_INTRODUCE);
    send_strings(&f->s, &f->dom0, XS_RELEASE, 0, "3", NULL);
    expect_ok(&f->dom0, XS_RELEASE);
    expect_event(&f->guest, "@releaseDomain", "r");
}

static void test_release_forgets_the_domains_nodes(void **state)
{
    struct fixture *f = *state;

    make_guest_home(f);
    send_write(&f->s, &f->dom0, 0, "/shared/x", "1");
    expect_ok(&f->dom0, XS_WRITE);
    send_strings(&f->s, &f->dom0, XS_SET_PERMS, 0, "/shared/x", "n0", "r5", "r6", NULL);
    expect_ok(&f->dom0, XS_SET_PERMS);
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "5", "100", "1", NULL);
    expect_ok(&f->dom0, XS_INTRODUCE);
    send_strings(&f->s, &f->dom0, XS_RELEASE, 0, "5", NULL);
    expect_ok(&f->dom0, XS_RELEASE);
    send_strings(&f->s, &f->dom0, XS_READ, 0, "/local/domain/5", NULL);
    expect_error(&f->dom0, "ENOENT");
    send_strings(&f->s, &f->dom0, XS_GET_PERMS, 0, "/shared/x", NULL);
    expect_reply(&f->dom0, XS_GET_PERMS, "n0\0r6", 6);
    assert_int_equal(owner_count(&f->s.tree.owners, 5), 0);
}

static void test_release_keeping_orphans(void **state)
{
    struct fixture *f = *state;

    f->s.keep_orphans = true;
    make_guest_home(f);
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "5", "100", "1", NULL);
    expect_ok(&f->dom0, XS_INTRODUCE);
    send_strings(&f->s, &f->dom0, XS_RELEASE, 0, "5", NULL);
    expect_ok(&f->dom0, XS_RELEASE);
    send_strings(&f->s, &f->dom0, XS_GET_PERMS, 0, "/local/domain/5", NULL);
    expect_reply(&f->dom0, XS_GET_PERMS, "n0", 3);
}

static void test_hypervisor_reported_shutdown_and_death(void **state)
{
    struct fixture *f = *state;

    make_guest_home(f);
    send_strings(&f->s, &f->dom0, XS_WATCH, 0, "@releaseDomain", "r", NULL);
    expect_ok(&f->dom0, XS_WATCH);
    expect_event(&f->dom0, "@releaseDomain", "r");
    send_strings(&f->s, &f->dom0, XS_INTRODUCE, 0, "5", "100", "1", NULL);
    expect_ok(&f->dom0, XS_INTRODUCE);
    store_domain_shutdown(&f->s, 5);
    expect_event(&f->dom0, "@releaseDomain", "r");
    store_domain_shutdown(&f->s, 5);
    expect_nothing(&f->dom0);                 /* announced once */
    send_strings(&f->s, &f->dom0, XS_RESUME, 0, "5", NULL);
    expect_ok(&f->dom0, XS_RESUME);
    store_domain_shutdown(&f->s, 5);
    expect_event(&f->dom0, "@releaseDomain", "r");
    store_domain_gone(&f->s, 5);
    expect_event(&f->dom0, "@releaseDomain", "r");
    assert_null(store_find_domain(&f->s, 5));
    send_strings(&f->s, &f->dom0, XS_READ, 0, "/local/domain/5", NULL);
    expect_error(&f->dom0, "ENOENT");
    store_domain_gone(&f->s, 5);
    expect_nothing(&f->dom0);
}

static void test_control_and_malformed(void **state)
{
    struct fixture *f = *state;
    struct xsd_sockmsg h = { .type = 99, .req_id = 42 };
    struct xs_msg *m;

    send_strings(&f->s, &f->dom0, XS_CONTROL, 0, "quota", "entries", "5", NULL);
    expect_ok(&f->dom0, XS_CONTROL);
    assert_int_equal(f->s.quota.entries, 5);
    send_strings(&f->s, &f->dom0, XS_CONTROL, 0, "quota", "bogus", "5", NULL);
    expect_error(&f->dom0, "EINVAL");
    send_strings(&f->s, &f->guest, XS_CONTROL, 0, "quota", NULL);
    expect_error(&f->guest, "EACCES");
    store_request(&f->s, &f->dom0, &h, "");
    m = next_msg(&f->dom0);
    assert_int_equal(m->hdr.type, XS_ERROR);
    assert_int_equal(m->hdr.req_id, 42);
    free(m);
    h.type = XS_WATCH_EVENT;
    store_request(&f->s, &f->dom0, &h, "");
    expect_error(&f->dom0, "EINVAL");
    h.type = XS_READ;
    h.len = 2;
    store_request(&f->s, &f->dom0, &h, "/a");       /* no NUL terminator */
    expect_error(&f->dom0, "EINVAL");
    h.type = XS_WRITE;
    store_request(&f->s, &f->dom0, &h, "/a");       /* no NUL after the path */
    expect_error(&f->dom0, "EINVAL");
    send_strings(&f->s, &f->dom0, XS_READ, 0, "/a", "/b", NULL);
    expect_error(&f->dom0, "EINVAL");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_write_creates_parents),
        T(test_mkdir_rm),
        T(test_directory_part),
        T(test_guest_permissions),
        T(test_missing_node_errors_follow_the_needed_access),
        T(test_set_target_grants_targets_rights),
        T(test_quota_entries_and_size),
        T(test_quota_watches_and_transactions),
        T(test_watch_semantics),
        T(test_relative_watch),
        T(test_domains),
        T(test_special_watch_needs_permission),
        T(test_release_forgets_the_domains_nodes),
        T(test_release_keeping_orphans),
        T(test_hypervisor_reported_shutdown_and_death),
        T(test_control_and_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
