/* Paths, permissions, nodes and the committed tree. */
#include "harness.h"
#include "path.h"

static void test_path_resolve(void **state)
{
    char out[PATH_BUF];

    (void)state;
    assert_int_equal(path_resolve(3, "/a/b", false, out), 0);
    assert_string_equal(out, "/a/b");
    assert_int_equal(path_resolve(3, "device/vif", false, out), 0);
    assert_string_equal(out, "/local/domain/3/device/vif");
    assert_int_equal(path_resolve(3, "/", false, out), 0);
    assert_int_equal(path_resolve(3, "/a/", false, out), EINVAL);
    assert_int_equal(path_resolve(3, "/a//b", false, out), EINVAL);
    assert_int_equal(path_resolve(3, "/a b", false, out), EINVAL);
    assert_int_equal(path_resolve(3, "", false, out), EINVAL);
    assert_int_equal(path_resolve(3, "@introduceDomain", false, out), EINVAL);
    assert_int_equal(path_resolve(3, "@introduceDomain", true, out), 0);
    assert_int_equal(path_resolve(3, "@other", true, out), EINVAL);
}

static void test_path_limits(void **state)
{
    char in[XENSTORE_ABS_PATH_MAX + 2], out[PATH_BUF];

    (void)state;
    memset(in, 'a', sizeof(in));
    in[0] = '/';
    in[XENSTORE_ABS_PATH_MAX] = '\0';
    assert_int_equal(path_resolve(0, in, false, out), 0);
    in[XENSTORE_ABS_PATH_MAX] = 'a';
    in[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    assert_int_equal(path_resolve(0, in, false, out), EINVAL);
    memset(in, 'a', XENSTORE_REL_PATH_MAX + 1);
    in[XENSTORE_REL_PATH_MAX + 1] = '\0';
    assert_int_equal(path_resolve(0, in, false, out), EINVAL);
}

static void test_path_ancestry(void **state)
{
    char out[PATH_BUF];

    (void)state;
    assert_true(path_within("/a/b", "/a"));
    assert_true(path_within("/a", "/a"));
    assert_false(path_within("/ab", "/a"));
    assert_true(path_within("/ab", "/"));
    path_parent("/a/b", out);
    assert_string_equal(out, "/a");
    path_parent("/a", out);
    assert_string_equal(out, "/");
    assert_string_equal(path_base("/a/bc"), "bc");
}

static void test_perms_rules(void **state)
{
    const char *strs[] = { "r3", "w4", "n5", "b6" };
    struct node_perms p;
    struct requester owner = { 3, false, false, 0 }, writer = { 4, false, false, 0 },
                     none = { 5, false, false, 0 }, other = { 9, false, false, 0 },
                     dom0 = { 0, true, false, 0 }, model = { 8, false, true, 3 };
    char buf[64];

    (void)state;
    assert_int_equal(perms_parse(strs, 4, &p), 0);
    assert_int_equal(perms_for(&p, &owner), PERM_READ | PERM_WRITE | PERM_OWNER);
    assert_int_equal(perms_for(&p, &writer), PERM_WRITE);
    assert_int_equal(perms_for(&p, &none), PERM_NONE);
    assert_int_equal(perms_for(&p, &other), PERM_READ);     /* entry 0's default */
    assert_int_equal(perms_for(&p, &dom0), PERM_READ | PERM_WRITE | PERM_OWNER);
    assert_int_equal(perms_for(&p, &model), PERM_READ | PERM_WRITE | PERM_OWNER);
    assert_int_equal(perms_format(&p, buf), 12);
    assert_memory_equal(buf, "r3\0w4\0n5\0b6\0", 12);
    perms_free(&p);
}

static void test_perms_parse_rejects(void **state)
{
    struct node_perms p;
    const char *bad1[] = { "x3" }, *bad2[] = { "r" }, *bad3[] = { "r3x" }, *bad4[] = { "r70000" };

    (void)state;
    assert_int_equal(perms_parse(bad1, 1, &p), EINVAL);
    assert_int_equal(perms_parse(bad2, 1, &p), EINVAL);
    assert_int_equal(perms_parse(bad3, 1, &p), EINVAL);
    assert_int_equal(perms_parse(bad4, 1, &p), EINVAL);
    assert_int_equal(perms_parse(bad1, 0, &p), EINVAL);
}

static void test_children_keep_creation_order(void **state)
{
    struct node *n = node_new("/x");

    (void)state;
    node_add_child(n, "b");
    node_add_child(n, "a");
    node_add_child(n, "c");
    node_add_child(n, "a");
    assert_int_equal(n->childlen, 6);
    assert_memory_equal(n->children, "b\0a\0c\0", 6);
    node_remove_child(n, "a");
    assert_memory_equal(n->children, "b\0c\0", 4);
    assert_false(node_has_child(n, "a"));
    node_free(n);
}

static void test_tree_generations_and_owners(void **state)
{
    struct tree t;
    struct node *n;
    uint64_t g1;

    (void)state;
    assert_int_equal(tree_init(&t), 0);
    assert_non_null(tree_get(&t, "/"));
    assert_non_null(tree_get(&t, "/tool/xenstored"));
    n = node_copy(tree_get(&t, "/tool"));
    n->perms.e[0].domid = 7;
    tree_put(&t, n);
    g1 = tree_get(&t, "/tool")->gen;
    assert_int_equal(owner_count(&t.owners, 7), 1);
    tree_put(&t, node_copy(tree_get(&t, "/tool")));
    assert_true(tree_get(&t, "/tool")->gen > g1);
    tree_remove(&t, "/tool");
    assert_int_equal(owner_count(&t.owners, 7), 0);
    assert_null(tree_get(&t, "/tool"));
    tree_destroy(&t);
}

static void test_nodemap_grows(void **state)
{
    struct nodemap m;
    char p[32];

    (void)state;
    nodemap_init(&m);
    for (int i = 0; i < 1000; i++) {
        snprintf(p, sizeof(p), "/n%d", i);
        assert_null(nodemap_put(&m, node_new(p)));
    }
    assert_int_equal(m.count, 1000);
    assert_non_null(nodemap_get(&m, "/n999"));
    node_free(nodemap_take(&m, "/n5"));
    assert_null(nodemap_get(&m, "/n5"));
    nodemap_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_resolve),
        cmocka_unit_test(test_path_limits),
        cmocka_unit_test(test_path_ancestry),
        cmocka_unit_test(test_perms_rules),
        cmocka_unit_test(test_perms_parse_rejects),
        cmocka_unit_test(test_children_keep_creation_order),
        cmocka_unit_test(test_tree_generations_and_owners),
        cmocka_unit_test(test_nodemap_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
