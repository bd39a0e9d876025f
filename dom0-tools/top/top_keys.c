/* The key table of lintel-top's screen (see top_keys.h). */
#include "top_keys.h"

#include <string.h>

#include "top_args.h"

static void quit(struct top_view *view, const struct top_key_env *env)
{
    (void)env;
    view->quit = true;
}

static void toggle_help(struct top_view *view, const struct top_key_env *env)
{
    (void)env;
    view->show_help = !view->show_help;
}

static void reverse_sort(struct top_view *view, const struct top_key_env *env)
{
    (void)env;
    view->reverse = !view->reverse;
}

static void sort_step(struct top_view *view, int step)
{
    view->sort = (enum top_column)((view->sort + TOP_NR_COLUMNS + step) % TOP_NR_COLUMNS);
    view->reverse = top_columns[view->sort].biggest_first;
}

static void sort_previous(struct top_view *view, const struct top_key_env *env)
{
    (void)env;
    sort_step(view, -1);
}

static void sort_next(struct top_view *view, const struct top_key_env *env)
{
    (void)env;
    sort_step(view, 1);
}

static void change_delay(struct top_view *view, const struct top_key_env *env)
{
    char answer[32], err[sizeof(view->message)];
    unsigned ms;

    if (!env->prompt(env->ctx, "Delay in seconds: ", answer, sizeof(answer)) || !answer[0])
        return;
    if (top_parse_delay(answer, &ms, err, sizeof(err))) {
        view->delay_ms = ms;
        snprintf(view->message, sizeof(view->message), "delay %.1f s", ms / 1000.0);
    } else {
        snprintf(view->message, sizeof(view->message), "%s", err);
    }
}

static void toggle_column(struct top_view *view, const struct top_key_env *env)
{
    char answer[8];
    int c;

    if (!env->prompt(env->ctx, "Show/hide column (its sort letter): ", answer,
                     sizeof(answer)) || !answer[0])
        return;
    c = top_column_by_sort_key((unsigned char)answer[0]);
    if (c < 0 || answer[1]) {
        snprintf(view->message, sizeof(view->message),
                 "no column has the letter \"%s\" (press h for the list)", answer);
        return;
    }
    /* The name is what every other column is read against. */
    if (c == COL_NAME) {
        snprintf(view->message, sizeof(view->message), "the NAME column always shows");
        return;
    }
    view->visible[c] = !view->visible[c];
}

static void search(struct top_view *view, const struct top_key_env *env)
{
    char answer[TOP_NAME_LEN];

    if (!env->prompt(env->ctx, "Show names containing (empty: all): ", answer,
                     sizeof(answer)))
        return;
    snprintf(view->filter, sizeof(view->filter), "%s", answer);
}

static void toggle_vcpus(struct top_view *view, const struct top_key_env *env)
{
    top_view_move_selection(view, env->rows, env->n_rows, 0);
    if (env->n_rows)
        top_view_toggle_vcpus(view, view->selected);
}

static void select_up(struct top_view *view, const struct top_key_env *env)
{
    top_view_move_selection(view, env->rows, env->n_rows, -1);
}

static void select_down(struct top_view *view, const struct top_key_env *env)
{
    top_view_move_selection(view, env->rows, env->n_rows, 1);
}

const struct top_key top_keys[] = {
    { 'q', "q", "quit", quit },
    { 'h', "h ?", "this help (any key returns)", toggle_help },
    { '?', NULL, NULL, toggle_help },
    { 'r', "r", "reverse the sort order", reverse_sort },
    { '<', "<", "sort by the column to the left", sort_previous },
    { '>', ">", "sort by the column to the right", sort_next },
    { 'd', "d", "change the delay between refreshes", change_delay },
    { 'f', "f", "show/hide a column (asks for its letter)", toggle_column },
    { '/', "/", "show only domains whose name contains a text", search },
    { 'v', "v", "show/hide the selected domain's vCPU rows", toggle_vcpus },
    { TOP_KEY_UP, "Up k", "select the domain above", select_up },
    { 'k', NULL, NULL, select_up },
    { TOP_KEY_DOWN, "Down j", "select the domain below", select_down },
    { 'j', NULL, NULL, select_down },
};
const size_t top_nr_keys = sizeof(top_keys) / sizeof(top_keys[0]);

static bool sort_by_letter(int key, struct top_view *view)
{
    int c;

    /* Sort letters are capitals so they never shadow a command key. */
    if (key < 'A' || key > 'Z')
        return false;
    c = top_column_by_sort_key(key);
    if (c < 0)
        return false;
    if (view->sort == (enum top_column)c) {
        view->reverse = !view->reverse;
    } else {
        view->sort = (enum top_column)c;
        view->reverse = top_columns[c].biggest_first;
    }
    return true;
}

bool top_key_press(int key, struct top_view *view, const struct top_key_env *env)
{
    view->message[0] = '\0';
    if (view->show_help) {
        /* Any key leaves the help screen, as it says. */
        view->show_help = false;
        return true;
    }
    for (size_t i = 0; i < top_nr_keys; i++) {
        if (top_keys[i].key == key) {
            top_keys[i].action(view, env);
            return true;
        }
    }
    return sort_by_letter(key, view);
}

void top_help_lines(void (*emit)(void *ctx, const char *line), void *ctx)
{
    char line[160];

    emit(ctx, "lintel-top keys");
    emit(ctx, "");
    for (size_t i = 0; i < top_nr_keys; i++) {
        if (!top_keys[i].label)
            continue;
        snprintf(line, sizeof(line), "  %-8s %s", top_keys[i].label, top_keys[i].help);
        emit(ctx, line);
    }
    emit(ctx, "");
    emit(ctx, "Sort by a column (again: reverse); the same letters for f:");
    for (int c = 0; c < TOP_NR_COLUMNS; c++) {
        snprintf(line, sizeof(line), "  %c        %-10s %s", top_columns[c].sort_key,
                 top_columns[c].header, top_columns[c].help);
        emit(ctx, line);
    }
    emit(ctx, "");
    emit(ctx, "States: r running  b blocked  p paused  s shutdown  c crashed  d dying");
}
