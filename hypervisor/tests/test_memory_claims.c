/* XENMEM_claim_pages bookkeeping: staking, refusals that change nothing,
 * allocations using claims up and kept off other domains' claims. */
#include "unit.h"

#include <lintel/errno.h>
#include <lintel/memory_claims.h>

static struct claim_books books;
static uint64_t claim_a, claim_b;
static struct claim_holder a = { .tot_pages = 10, .max_pages = 100, .outstanding = &claim_a };
static struct claim_holder b = { .tot_pages = 0, .max_pages = 1000, .outstanding = &claim_b };

static int setup(void **state)
{
    (void)state;
    books.outstanding = claim_a = claim_b = 0;
    a.tot_pages = 10;
    return 0;
}

static void claim_counts_what_the_domain_has(void **state)
{
    (void)state;
    assert_int_equal(claim_stake(&books, &a, 500, 30), 0);
    assert_int_equal(claim_a, 20);
    assert_int_equal(books.outstanding, 20);
    /* One at a time; zero cancels, and always succeeds. */
    assert_int_equal(claim_stake(&books, &a, 500, 40), -EINVAL);
    assert_int_equal(claim_a, 20);
    assert_int_equal(claim_stake(&books, &a, 500, 0), 0);
    assert_int_equal(claim_a, 0);
    assert_int_equal(books.outstanding, 0);
    assert_int_equal(claim_stake(&books, &a, 500, 0), 0);
}

static void refusals_change_nothing(void **state)
{
    (void)state;
    assert_int_equal(claim_stake(&books, &a, 500, 10), -EINVAL);    /* not above tot */
    assert_int_equal(claim_stake(&books, &a, 500, 101), -EINVAL);   /* above max */
    assert_int_equal(claim_stake(&books, &a, 15, 30), -ENOMEM);     /* 20 > 15 free */
    assert_int_equal(claim_a, 0);
    assert_int_equal(books.outstanding, 0);
    /* Another domain's claim is not free for this one. */
    assert_int_equal(claim_stake(&books, &b, 500, 480), 0);
    assert_int_equal(claim_stake(&books, &a, 500, 31), -ENOMEM);    /* 21 > 20 unclaimed */
    assert_int_equal(claim_stake(&books, &a, 500, 30), 0);
    assert_int_equal(books.outstanding, 500);
}

static void allocations_respect_claims(void **state)
{
    (void)state;
    assert_int_equal(claim_stake(&books, &b, 100, 60), 0);
    /* 40 unclaimed: others get at most those; b gets its claim too. */
    assert_true(claim_allows(&books, 0, 100, 40));
    assert_false(claim_allows(&books, 0, 100, 41));
    assert_true(claim_allows(&books, claim_b, 100, 60));
    assert_false(claim_allows(&books, claim_b, 100, 101));
    claim_use(&books, &claim_b, 25);
    assert_int_equal(claim_b, 35);
    assert_int_equal(books.outstanding, 35);
    /* Beyond the claim: the rest is an ordinary allocation. */
    claim_use(&books, &claim_b, 50);
    assert_int_equal(claim_b, 0);
    assert_int_equal(books.outstanding, 0);
    assert_true(claim_allows(&books, 0, 100, 100));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(claim_counts_what_the_domain_has, setup),
        cmocka_unit_test_setup(refusals_change_nothing, setup),
        cmocka_unit_test_setup(allocations_respect_claims, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
