/* The xmalloc heap over a page source that can be made to run dry. */
#include "unit.h"

#include <lintel/errno.h>
#include <lintel/heap.h>

struct test_pages {
    unsigned pages_out;         /* pages currently handed to the heap */
    unsigned page_limit;        /* exhaustion beyond this */
};

static void *pages_alloc(void *ctx, unsigned order)
{
    struct test_pages *tp = ctx;
    void *p;

    if (tp->pages_out + (1u << order) > tp->page_limit)
        return NULL;
    p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);
    assert_non_null(p);
    tp->pages_out += 1u << order;
    return p;
}

static void pages_free(void *ctx, void *pages, unsigned order)
{
    struct test_pages *tp = ctx;

    tp->pages_out -= 1u << order;
    free(pages);
}

static struct test_pages tp;
static struct heap heap;

static int setup(void **state)
{
    struct heap_page_source src = { pages_alloc, pages_free, &tp };

    (void)state;
    tp = (struct test_pages){ 0, 64 };
    heap_init(&heap, &src);
    return 0;
}

static void allocations_are_aligned_distinct_and_usable(void **state)
{
    char *p[100];

    (void)state;
    for (int i = 0; i < 100; i++) {
        p[i] = heap_alloc(&heap, (size_t)(i * 7 + 1));
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % HEAP_ALIGN, 0);
        memset(p[i], i, (size_t)(i * 7 + 1));
    }
    /* Nobody's writes landed in anybody else's block. */
    for (int i = 0; i < 100; i++)
        for (int j = 0; j < i * 7 + 1; j++)
            assert_int_equal((unsigned char)p[i][j], i);
    assert_int_equal(heap_check(&heap), 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(heap_free(&heap, p[i]), 0);
    assert_int_equal(heap_check(&heap), 0);
    assert_int_equal(heap.stats.bytes_in_use, 0);
    /* Fully free arenas go back to the page source. */
    assert_int_equal(tp.pages_out, 0);
}

static void zero_size_gets_null(void **state)
{
    (void)state;
    assert_null(heap_alloc(&heap, 0));
}

static void double_free_is_detected(void **state)
{
    void *a, *b, *c;

    (void)state;
    a = heap_alloc(&heap, 100);
    b = heap_alloc(&heap, 100);
    c = heap_alloc(&heap, 100);
    assert_int_equal(heap_free(&heap, b), 0);
    assert_int_equal(heap_free(&heap, b), -EALREADY);
    /* b merged into a's free block: still detected. */
    assert_int_equal(heap_free(&heap, a), 0);
    assert_int_equal(heap_free(&heap, b), -EALREADY);
    assert_int_equal(heap_free(&heap, a), -EALREADY);
    assert_int_equal(heap_check(&heap), 0);
    assert_int_equal(heap_free(&heap, c), 0);
}

static void foreign_pointers_are_rejected(void **state)
{
    char *a;

    (void)state;
    a = heap_alloc(&heap, 64);
    assert_int_equal(heap_free(&heap, NULL), -EINVAL);
    assert_int_equal(heap_free(&heap, a + 16), -EINVAL);
    assert_int_equal(heap_free(&heap, a + 1), -EINVAL);
    assert_int_equal(heap_check(&heap), 0);
    assert_int_equal(heap_free(&heap, a), 0);
}

static void fragmentation_coalesces_back(void **state)
{
    void *small[64], *big;
    size_t arenas;

    (void)state;
    for (int i = 0; i < 64; i++)
        small[i] = heap_alloc(&heap, 200);
    arenas = heap.stats.arenas;
    /* Free every other block: many holes, none big enough for 2000 bytes. */
    for (int i = 0; i < 64; i += 2)
        assert_int_equal(heap_free(&heap, small[i]), 0);
    assert_int_equal(heap_check(&heap), 0);
    big = heap_alloc(&heap, 2000);
    assert_non_null(big);
    assert_true(heap.stats.arenas > arenas);    /* needed a fresh arena */
    assert_int_equal(heap_free(&heap, big), 0);
    /* Freeing the rest coalesces the holes into whole free arenas. */
    for (int i = 1; i < 64; i += 2)
        assert_int_equal(heap_free(&heap, small[i]), 0);
    assert_int_equal(heap_check(&heap), 0);
    assert_int_equal(heap.stats.arenas, 0);
    assert_int_equal(tp.pages_out, 0);
}

static void exhaustion_returns_null_and_recovers(void **state)
{
    void *p[4096];
    unsigned n = 0;

    (void)state;
    tp.page_limit = 8;      /* two arenas */
    while (n < 4096 && (p[n] = heap_alloc(&heap, 500)))
        n++;
    assert_true(n > 10 && n < 4096);
    assert_int_equal(heap.stats.failed_allocations, 1);
    assert_null(heap_alloc(&heap, 500));
    assert_int_equal(heap_free(&heap, p[0]), 0);
    p[0] = heap_alloc(&heap, 500);
    assert_non_null(p[0]);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(heap_free(&heap, p[i]), 0);
    assert_int_equal(tp.pages_out, 0);
}

static void big_requests_take_whole_pages(void **state)
{
    size_t size = heap_arena_max_request() + 1;
    char *p;

    (void)state;
    p = heap_alloc(&heap, size);
    assert_non_null(p);
    memset(p, 0xaa, size);
    assert_int_equal(heap.stats.big_allocations, 1);
    assert_int_equal(heap_free(&heap, p), 0);
    assert_int_equal(heap.stats.big_allocations, 0);
    assert_int_equal(tp.pages_out, 0);
    tp.page_limit = 4;
    assert_null(heap_alloc(&heap, 5 * PAGE_SIZE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(allocations_are_aligned_distinct_and_usable, setup),
        cmocka_unit_test_setup(zero_size_gets_null, setup),
        cmocka_unit_test_setup(double_free_is_detected, setup),
        cmocka_unit_test_setup(foreign_pointers_are_rejected, setup),
        cmocka_unit_test_setup(fragmentation_coalesces_back, setup),
        cmocka_unit_test_setup(exhaustion_returns_null_and_recovers, setup),
        cmocka_unit_test_setup(big_requests_take_whole_pages, setup),
    };
    return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
