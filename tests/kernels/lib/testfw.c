/* Test bookkeeping and report lines; pure, see testfw.h. */
#include "testfw.h"

#include <stdarg.h>

#include "format.h"

#define LINE_MAX_LEN 240

struct test_run *testfw_current;

static const char *base_name(const char *path)
{
    const char *name = path;
    for (const char *p = path; *p; p++)
        if (*p == '/')
            name = p + 1;
    return name;
}

void testfw_begin(struct test_run *run, void (*emit)(const char *line))
{
    *run = (struct test_run){ .emit = emit };
    testfw_current = run;
}

void testfw_run_case(struct test_run *run, const struct test_case *tc)
{
    char line[LINE_MAX_LEN];
    unsigned int failed_before = run->failed;
    unsigned int checks_before = run->checks;

    format(line, sizeof(line), "TEST %s", tc->name);
    run->emit(line);
    run->tests++;
    tc->run();
    /* A test that checks nothing proves nothing: count it as a failure. */
    if (run->checks == checks_before)
        testfw_check(run, 0, "testfw", 0, tc->name, "test made no checks");
    format(line, sizeof(line), "END  %s: %u checks, %u failed", tc->name,
           run->checks - checks_before, run->failed - failed_before);
    run->emit(line);
}

void testfw_check(struct test_run *run, int ok, const char *file, int line,
                  const char *expr, const char *detail)
{
    char text[LINE_MAX_LEN];

    run->checks++;
    if (!ok)
        run->failed++;
    format(text, sizeof(text), "%s %s:%d %s%s%s", ok ? "ok  " : "FAIL",
           base_name(file), line, expr, detail[0] ? " " : "", detail);
    run->emit(text);
}

void testfw_check_values(struct test_run *run, int ok, const char *file, int line,
                         const char *expr, long long actual, long long expected)
{
    char detail[96];

    if (ok)
        format(detail, sizeof(detail), "(%lld)", actual);
    else
        format(detail, sizeof(detail), "(got %lld = 0x%llx, want %lld = 0x%llx)",
               actual, (unsigned long long)actual, expected,
               (unsigned long long)expected);
    testfw_check(run, ok, file, line, expr, detail);
}

void testfw_note(struct test_run *run, const char *fmt, ...)
{
    char body[LINE_MAX_LEN - 8];
    char text[LINE_MAX_LEN];
    va_list ap;

    va_start(ap, fmt);
    format_v(body, sizeof(body), fmt, ap);
    va_end(ap);
    format(text, sizeof(text), "note %s", body);
    run->emit(text);
}

int testfw_result_line(const struct test_run *run, char *buf, size_t size)
{
    if (run->failed == 0 && run->tests > 0) {
        format(buf, size, "RESULT: PASS");
        return 1;
    }
    /* Running no test at all is a failure too, reported as one failed check. */
    format(buf, size, "RESULT: FAIL (%u failed)", run->tests ? run->failed : 1);
    return 0;
}
