/* lintel-top's screen (see top_screen.h). */
#include "top_screen.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "top_batch.h"
#include "top_keys.h"

#define HEADER_LINES 4
#define MAX_VCPU_ROWS 512
/* getch() giving up this much before its timeout, this often in a row: no terminal. */
#define EARLY_MS 5
#define EARLY_LIMIT 3

struct screen {
    struct top_sample samples[2];
    struct top_sample *prev, *cur;
    struct top_row *rows;
    size_t n_rows, rows_cap;
    bool colors;
};

static const short state_colors[TOP_NR_STATES] = {
    [TOP_RUNNING] = COLOR_GREEN, [TOP_BLOCKED] = -1, [TOP_PAUSED] = COLOR_YELLOW,
    [TOP_SHUTDOWN] = COLOR_CYAN, [TOP_CRASHED] = COLOR_RED, [TOP_DYING] = COLOR_MAGENTA,
};

static void screen_start(struct screen *scr)
{
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    scr->colors = has_colors();
    if (scr->colors) {
        start_color();
        use_default_colors();
        for (short s = 0; s < TOP_NR_STATES; s++)
            init_pair((short)(s + 1), state_colors[s], -1);
    }
}

static void draw_line(int y, attr_t attr, const char *text)
{
    if (y >= LINES)
        return;
    attron(attr);
    mvaddnstr(y, 0, text, COLS);
    attroff(attr);
}

static void draw_header(const struct top_frame *f, const struct top_view *view)
{
    const struct top_host *h = &f->host;
    char line[256], clock[16];
    time_t now = time(NULL);

    strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
    snprintf(line, sizeof(line), "lintel-top - %s   %s %s   sort %s %s   delay %.1fs%s%s",
             clock, h->hv_name, h->hv_version, top_columns[view->sort].header,
             view->reverse ? "desc" : "asc", view->delay_ms / 1000.0,
             view->filter[0] ? "   filter: " : "", view->filter);
    draw_line(0, A_BOLD, line);
    snprintf(line, sizeof(line), "%u domains: %u running, %u blocked, %u paused, "
             "%u shutdown, %u crashed, %u dying", h->domains, h->by_state[TOP_RUNNING],
             h->by_state[TOP_BLOCKED], h->by_state[TOP_PAUSED], h->by_state[TOP_SHUTDOWN],
             h->by_state[TOP_CRASHED], h->by_state[TOP_DYING]);
    draw_line(1, A_NORMAL, line);
    snprintf(line, sizeof(line), "Mem: %lluk total, %lluk used, %lluk free    CPUs: %u",
             (unsigned long long)h->total_kib, (unsigned long long)(h->total_kib - h->free_kib),
             (unsigned long long)h->free_kib, h->nr_cpus);
    draw_line(2, A_NORMAL, line);
    draw_line(3, A_BOLD, view->message);
}

static int draw_vcpus(const struct top_frame *f, uint32_t domid, int y)
{
    static struct top_vcpu_row vrows[MAX_VCPU_ROWS];
    size_t n = top_vcpu_rows_build(f->prev, f->cur, domid, vrows, MAX_VCPU_ROWS);
    char line[128];

    for (size_t i = 0; i < n && y < LINES - 1; i++) {
        snprintf(line, sizeof(line), "    vCPU %-4u %c  pCPU %-3u %9.0f %7.1f",
                 vrows[i].vcpu, vrows[i].state, vrows[i].pcpu, vrows[i].cpu_sec,
                 vrows[i].cpu_pct);
        draw_line(y++, A_DIM, line);
    }
    return y;
}

static void draw_table(const struct screen *scr, const struct top_frame *f,
                       const struct top_view *view)
{
    char line[512];
    int y = HEADER_LINES;

    top_format_line(NULL, view->visible, line, sizeof(line));
    draw_line(y++, A_REVERSE, line);
    for (size_t i = 0; i < f->n_rows && y < LINES - 1; i++) {
        const struct top_row *row = &f->rows[i];
        attr_t attr = scr->colors ? COLOR_PAIR(row->main_state + 1) : A_NORMAL;

        if (row->domid == view->selected)
            attr |= A_BOLD;
        top_format_line(row, view->visible, line, sizeof(line));
        draw_line(y++, attr, line);
        if (top_view_shows_vcpus(view, row->domid))
            y = draw_vcpus(f, row->domid, y);
    }
    draw_line(LINES - 1, A_DIM, "h help  q quit  < > sort  r reverse  v vCPUs  / search");
}

static void emit_help_line(void *ctx, const char *text)
{
    int *y = ctx;

    draw_line((*y)++, A_NORMAL, text);
}

static void draw(struct screen *scr, const struct top_view *view)
{
    struct top_frame f = { .prev = scr->prev, .cur = scr->cur,
                           .rows = scr->rows, .n_rows = scr->n_rows };
    int y = 0;

    top_host_build(scr->cur, &f.host);
    erase();
    if (view->show_help)
        top_help_lines(emit_help_line, &y);
    else {
        draw_header(&f, view);
        draw_table(scr, &f, view);
    }
    refresh();
}

/* Rebuilds the rows from the two samples under the current view. */
static void build_rows(struct screen *scr, struct top_view *view)
{
    if (scr->rows_cap < scr->cur->n_doms) {
        scr->rows_cap = scr->cur->n_doms * 2;
        scr->rows = realloc(scr->rows, scr->rows_cap * sizeof(*scr->rows));
        if (!scr->rows)
            abort();
    }
    scr->n_rows = top_rows_build(scr->prev, scr->cur, scr->rows, scr->rows_cap);
    scr->n_rows = top_view_apply(view, scr->rows, scr->n_rows);
    top_view_move_selection(view, scr->rows, scr->n_rows, 0);
}

static bool prompt(void *ctx, const char *question, char *answer, size_t len)
{
    int rc;

    (void)ctx;
    move(LINES - 1, 0);
    clrtoeol();
    addnstr(question, COLS - 1);
    echo();
    curs_set(1);
    timeout(-1);
    rc = getnstr(answer, (int)len - 1);
    noecho();
    curs_set(0);
    return rc == OK;
}

static int translate_key(int ch)
{
    if (ch == KEY_UP)
        return TOP_KEY_UP;
    if (ch == KEY_DOWN)
        return TOP_KEY_DOWN;
    return ch;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int take_sample(struct top_collector *c, struct screen *scr, struct top_view *view,
                       const char **what)
{
    struct top_sample *older = scr->prev;

    scr->prev = scr->cur;
    scr->cur = older;
    return top_collect_sample(c, view, scr->cur, what);
}

/* Handles keys until the next refresh is due; false once the operator quit. */
static bool wait_for_refresh(struct screen *scr, struct top_view *view, uint64_t due)
{
    struct top_key_env env = { .prompt = prompt };
    int early_errors = 0;

    for (;;) {
        uint64_t now = now_ms();
        int ch;

        if (now >= due)
            return true;
        timeout((int)(due - now));
        ch = getch();
        if (ch == ERR) {
            /*
             * No key long before the timeout means the terminal is gone (hangup,
             * end of input): quit rather than spin on it.
             */
            if (now_ms() + EARLY_MS < due && ++early_errors >= EARLY_LIMIT)
                return false;
            continue;
        }
        early_errors = 0;
        if (ch != KEY_RESIZE) {
            size_t vcpu_domains = view->n_vcpu_domains;

            env.rows = scr->rows;
            env.n_rows = scr->n_rows;
            top_key_press(translate_key(ch), view, &env);
            if (view->quit)
                return false;
            /* Newly wanted vCPU rows are only read at a refresh: make it now. */
            if (view->n_vcpu_domains > vcpu_domains)
                return true;
        }
        build_rows(scr, view);
        draw(scr, view);
    }
}

int top_screen_run(struct top_collector *c, struct top_view *view, long iterations,
                   const char **what)
{
    struct screen scr = { 0 };
    int rc;

    scr.prev = &scr.samples[0];
    scr.cur = &scr.samples[1];
    rc = top_collect_sample(c, view, scr.cur, what);
    if (rc < 0)
        return rc;
    screen_start(&scr);
    for (long shown = 0; rc == 0; ) {
        uint64_t due = now_ms() + view->delay_ms;

        build_rows(&scr, view);
        draw(&scr, view);
        if (iterations && ++shown >= iterations)
            break;
        if (!wait_for_refresh(&scr, view, due))
            break;
        rc = take_sample(c, &scr, view, what);
    }
    endwin();
    top_sample_free(&scr.samples[0]);
    top_sample_free(&scr.samples[1]);
    free(scr.rows);
    return rc;
}
