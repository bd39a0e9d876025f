/*
 * The test framework of the PV test kernels.
 *
 *     TEST(version_is_4_17) {
 *         long v = HYPERVISOR_xen_version(XENVER_version, 0);
 *         EXPECT_EQ(v >> 16, 4);
 *     }
 *
 * Every check prints one line ("ok ..." or "FAIL ..."); the run ends with
 * exactly "RESULT: PASS" or "RESULT: FAIL (<n> failed)", which the pytest
 * side waits for. The bookkeeping (testfw.c) is pure and unit-tested on
 * the host; the kernel supplies the output function.
 */
#ifndef TESTKERNEL_TESTFW_H
#define TESTKERNEL_TESTFW_H

#include <stddef.h>

struct test_case {
    const char *name;
    void (*run)(void);
};

/* Tests register themselves in the .tests section, collected by the linker script. */
#define TEST(name)                                                         \
    static void test_##name(void);                                         \
    static const struct test_case test_case_##name                         \
        __attribute__((used, section(".tests"), aligned(8))) =             \
        { #name, test_##name };                                            \
    static void test_##name(void)

struct test_run {
    void (*emit)(const char *line);  /* writes one line, without its newline */
    unsigned int checks;
    unsigned int failed;
    unsigned int tests;
};

void testfw_begin(struct test_run *run, void (*emit)(const char *line));
void testfw_run_case(struct test_run *run, const struct test_case *tc);
void testfw_check(struct test_run *run, int ok, const char *file, int line,
                  const char *expr, const char *detail);
void testfw_check_values(struct test_run *run, int ok, const char *file, int line,
                         const char *expr, long long actual, long long expected);
/* Records one line of information that is not a check (e.g. a value learned). */
void testfw_note(struct test_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Formats the final verdict line into buf and returns 1 if everything passed. */
int testfw_result_line(const struct test_run *run, char *buf, size_t size);

/* The run the EXPECT macros report to; set by the kernel's main. */
extern struct test_run *testfw_current;

/* The checks quote their source text; the *_TEXT forms take it ready-made. */
#define EXPECT_EQ_TEXT(actual, expected, text)                                  \
    do {                                                                        \
        long long actual_ = (long long)(actual);                                \
        long long expected_ = (long long)(expected);                            \
        testfw_check_values(testfw_current, actual_ == expected_, __FILE__,     \
                            __LINE__, text, actual_, expected_);                \
    } while (0)

#define EXPECT_EQ(actual, expected) \
    EXPECT_EQ_TEXT(actual, expected, #actual " == " #expected)

#define EXPECT_NE(actual, unexpected)                                           \
    do {                                                                        \
        long long actual_ = (long long)(actual);                                \
        long long unexpected_ = (long long)(unexpected);                        \
        testfw_check_values(testfw_current, actual_ != unexpected_, __FILE__,   \
                            __LINE__, #actual " != " #unexpected, actual_,      \
                            unexpected_);                                       \
    } while (0)

#define EXPECT_TRUE(cond)                                                       \
    testfw_check(testfw_current, !!(cond), __FILE__, __LINE__, #cond, "")

/* Hypercalls return -XEN_Exxx; the check names the errno, not the number. */
#define EXPECT_ERRNO(call, xen_errno) \
    EXPECT_EQ_TEXT(call, -(long long)(xen_errno), #call " -> -" #xen_errno)

/* Success of a hypercall: exactly 0. */
#define EXPECT_OK(call) EXPECT_EQ_TEXT(call, 0, #call " -> 0")

#endif /* TESTKERNEL_TESTFW_H */
