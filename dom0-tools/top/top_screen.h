/*
 * lintel-top's ncurses screen: the host header, the domain table with its
 * vCPU rows, the help screen and the key loop. Each frame is drawn whole
 * into ncurses' buffer and handed over with one refresh, which sends only
 * what changed, so nothing flickers.
 */
#ifndef LINTEL_TOP_SCREEN_H
#define LINTEL_TOP_SCREEN_H

#include "top_collect.h"
#include "top_view.h"

/* Runs until q (or ITERATIONS refreshes, when not 0); 0 or -errno, *WHAT set. */
int top_screen_run(struct top_collector *c, struct top_view *view, long iterations,
                   const char **what);

#endif
