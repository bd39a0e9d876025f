/*
 * lintel-top: a top-like monitor of the domains of a Xen 4.17 or Lintel
 * host, on a screen or (-b, --json) as lines for scripts.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "top_args.h"
#include "top_batch.h"
#include "top_collect.h"
#include "top_screen.h"

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000u, (long)(ms % 1000u) * 1000000L };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void print_frame(const struct top_args *args, const struct top_sample *prev,
                        const struct top_sample *cur, struct top_row *rows)
{
    struct top_frame f = { .prev = prev, .cur = cur, .rows = rows };

    top_host_build(cur, &f.host);
    f.n_rows = top_rows_build(prev, cur, rows, cur->n_doms);
    f.n_rows = top_view_apply(&args->view, rows, f.n_rows);
    if (args->json)
        top_print_json(stdout, &f, &args->view);
    else
        top_print_text(stdout, &f, &args->view);
}

/*
 * Every refresh printed covers the delay before it, so even -i 1 gives
 * a real CPU% rather than a first-sample zero.
 */
static int run_batch(struct top_collector *c, const struct top_args *args, const char **what)
{
    struct top_sample samples[2] = { { 0 } };
    struct top_sample *prev = &samples[0], *cur = &samples[1], *t;
    struct top_row *rows = NULL;
    int rc = top_collect_sample(c, &args->view, cur, what);

    for (long done = 0; rc == 0 && (!args->iterations || done < args->iterations); done++) {
        sleep_ms(args->view.delay_ms);
        t = prev, prev = cur, cur = t;
        rc = top_collect_sample(c, &args->view, cur, what);
        if (rc < 0)
            break;
        rows = realloc(rows, (cur->n_doms + 1) * sizeof(*rows));
        if (!rows)
            abort();
        print_frame(args, prev, cur, rows);
    }
    free(rows);
    top_sample_free(&samples[0]);
    top_sample_free(&samples[1]);
    return rc;
}

int main(int argc, char **argv)
{
    struct top_collector collector;
    struct top_args args;
    const char *what = "";
    char err[256];
    int rc;

    if (!top_args_parse(argc, argv, &args, err, sizeof(err))) {
        fprintf(stderr, "lintel-top: %s\n", err);
        top_usage(stderr);
        return 2;
    }
    if (args.help) {
        top_usage(stdout);
        return 0;
    }
    /* A script reading batch output may stop early; that is not an error. */
    signal(SIGPIPE, SIG_DFL);
    rc = top_collect_open(&collector, &what);
    if (rc < 0) {
        fprintf(stderr, "lintel-top: cannot open the hypervisor interface: %s%s\n",
                strerror(-rc), what ? what : "");
        return 1;
    }
    if (args.batch)
        rc = run_batch(&collector, &args, &what);
    else
        rc = top_screen_run(&collector, &args.view, args.iterations, &what);
    top_collect_close(&collector);
    if (rc < 0) {
        fprintf(stderr, "lintel-top: %s failed: %s\n", what, strerror(-rc));
        return 1;
    }
    return 0;
}
