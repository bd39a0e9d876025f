/* lintel-top's key table: each key's effect on the view, prompts, help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "top_keys.h"
#include "top_fixtures.h"

/* The operator's answer to the next prompt; NULL cancels. */
static const char *next_answer;
static char last_question[128];

static bool scripted_prompt(void *ctx, const char *question, char *answer, size_t len)
{
    (void)ctx;
    snprintf(last_question, sizeof(last_question), "%s", question);
    if (!next_answer)
        return false;
    snprintf(answer, len, "%s", next_answer);
    return true;
}

static struct top_row shown[3];
static struct top_key_env env = { shown, 3, scripted_prompt, NULL };

static int setup(void **state)
{
    (void)state;
    memset(shown, 0, sizeof(shown));
    shown[0].domid = 0;
    shown[1].domid = 5;
    shown[2].domid = 7;
    next_answer = NULL;
    last_question[0] = '\0';
    return 0;
}

static void test_quit_and_help(void **state)
{
    struct top_view view;

    (void)state;
    top_view_init(&view);
    assert_true(top_key_press('h', &view, &env));
    assert_true(view.show_help);
    /* any key leaves help, even one that would quit */
    assert_true(top_key_press('q', &view, &env));
    assert_false(view.show_help);
    assert_false(view.quit);
    assert_true(top_key_press('?', &view, &env));
    assert_true(view.show_help);
    top_key_press(' ', &view, &env);
    assert_true(top_key_press('q', &view, &env));
    assert_true(view.quit);
}

static void test_sort_letters_and_reverse(void **state)
{
    struct top_view view;

    (void)state;
    top_view_init(&view);
    assert_int_equal(view.sort, COL_CPU_PCT);
    assert_true(view.reverse);
    top_key_press('N', &view, &env);
    assert_int_equal(view.sort, COL_NAME);
    assert_false(view.reverse);     /* text: A to Z first */
    top_key_press('N', &view, &env);
    assert_true(view.reverse);      /* the same letter again flips it */
    top_key_press('M', &view, &env);
    assert_int_equal(view.sort, COL_MEM);
    assert_true(view.reverse);      /* numbers: biggest first */
    top_key_press('r', &view, &env);
    assert_false(view.reverse);
    top_key_press('>', &view, &env);
    assert_int_equal(view.sort, COL_MEM_PCT);
    top_key_press('<', &view, &env);
    top_key_press('<', &view, &env);
    assert_int_equal(view.sort, COL_CPU_PCT);
    view.sort = COL_NAME;
    top_key_press('<', &view, &env);
    assert_int_equal(view.sort, COL_VBD_WSECT);     /* wraps to the last column */
    top_key_press('O', &view, &env);
    assert_int_equal(view.sort, COL_NET_TX);
}

static void test_unknown_keys_change_nothing(void **state)
{
    struct top_view view, before;

    (void)state;
    top_view_init(&view);
    before = view;
    assert_false(top_key_press('Z', &view, &env));
    assert_false(top_key_press('x', &view, &env));
    assert_false(top_key_press(0x7f, &view, &env));
    assert_memory_equal(&view, &before, sizeof(view));
}

static void test_delay_prompt(void **state)
{
    struct top_view view;

    (void)state;
    top_view_init(&view);
    next_answer = "0.5";
    top_key_press('d', &view, &env);
    assert_string_equal(last_question, "Delay in seconds: ");
    assert_int_equal(view.delay_ms, 500);
    next_answer = "fast";
    top_key_press('d', &view, &env);
    assert_int_equal(view.delay_ms, 500);
    assert_string_equal(view.message, "invalid delay \"fast\": not a number of seconds");
    next_answer = NULL;
    top_key_press('d', &view, &env);
    assert_int_equal(view.delay_ms, 500);
    assert_string_equal(view.message, "");
}

static void test_column_prompt(void **state)
{
    struct top_view view;

    (void)state;
    top_view_init(&view);
    next_answer = "p";
    top_key_press('f', &view, &env);
    assert_false(view.visible[COL_MEM_PCT]);
    next_answer = "P";
    top_key_press('f', &view, &env);
    assert_true(view.visible[COL_MEM_PCT]);
    next_answer = "N";
    top_key_press('f', &view, &env);
    assert_true(view.visible[COL_NAME]);
    assert_string_equal(view.message, "the NAME column always shows");
    next_answer = "Q";
    top_key_press('f', &view, &env);
    assert_string_equal(view.message, "no column has the letter \"Q\" (press h for the list)");
}

static void test_search_prompt(void **state)
{
    struct top_view view;

    (void)state;
    top_view_init(&view);
    next_answer = "web";
    top_key_press('/', &view, &env);
    assert_string_equal(view.filter, "web");
    next_answer = NULL;     /* cancelled: keeps the filter */
    top_key_press('/', &view, &env);
    assert_string_equal(view.filter, "web");
    next_answer = "";
    top_key_press('/', &view, &env);
    assert_string_equal(view.filter, "");
}

static void test_selection_and_vcpu_rows(void **state)
{
    struct top_view view;

    (void)state;
    top_view_init(&view);
    view.selected = 0;
    top_key_press(TOP_KEY_DOWN, &view, &env);
    assert_int_equal(view.selected, 5);
    top_key_press('j', &view, &env);
    top_key_press('j', &view, &env);   /* stays on the last row */
    assert_int_equal(view.selected, 7);
    top_key_press('v', &view, &env);
    assert_true(top_view_shows_vcpus(&view, 7));
    assert_false(top_view_shows_vcpus(&view, 5));
    top_key_press(TOP_KEY_UP, &view, &env);
    top_key_press('v', &view, &env);
    assert_true(top_view_shows_vcpus(&view, 5));
    top_key_press('k', &view, &env);
    top_key_press('k', &view, &env);
    assert_int_equal(view.selected, 0);
    top_key_press(TOP_KEY_DOWN, &view, &env);
    top_key_press(TOP_KEY_DOWN, &view, &env);
    top_key_press('v', &view, &env);    /* again: hidden */
    assert_false(top_view_shows_vcpus(&view, 7));
    assert_true(top_view_shows_vcpus(&view, 5));
}

static void test_selection_snaps_when_its_domain_is_gone(void **state)
{
    struct top_view view;

    (void)state;
    top_view_init(&view);
    view.selected = 99;
    top_key_press(TOP_KEY_DOWN, &view, &env);
    assert_int_equal(view.selected, 0);
}

static size_t help_count;
static bool help_mentions_every_key;

static void collect_help(void *ctx, const char *line)
{
    (void)ctx;
    help_count++;
    if (strstr(line, "show/hide a column") || strstr(line, "CPU(%)"))
        help_mentions_every_key = true;
}

static void test_help_is_generated_from_the_tables(void **state)
{
    size_t labelled = 0;

    (void)state;
    for (size_t i = 0; i < top_nr_keys; i++)
        labelled += top_keys[i].label != NULL;
    help_count = 0;
    top_help_lines(collect_help, NULL);
    assert_true(help_mentions_every_key);
    /* title, blank, the keys, blank, the sort title, the columns, blank, states */
    assert_int_equal(help_count, 2 + labelled + 2 + TOP_NR_COLUMNS + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_quit_and_help, setup),
        cmocka_unit_test_setup(test_sort_letters_and_reverse, setup),
        cmocka_unit_test_setup(test_unknown_keys_change_nothing, setup),
        cmocka_unit_test_setup(test_delay_prompt, setup),
        cmocka_unit_test_setup(test_column_prompt, setup),
        cmocka_unit_test_setup(test_search_prompt, setup),
        cmocka_unit_test_setup(test_selection_and_vcpu_rows, setup),
        cmocka_unit_test_setup(test_selection_snaps_when_its_domain_is_gone, setup),
        cmocka_unit_test_setup(test_help_is_generated_from_the_tables, setup),
    };

    return cmocka_run_group_tests_name("top_keys", tests, NULL, NULL);
}
