/*
 * Where a byte typed on the serial line goes. As on Xen, pressing Ctrl-A
 * three times in a row switches between the hypervisor (debug keys) and
 * dom0's console input. Pure logic: also compiled into the host tests.
 */
#ifndef LINTEL_CONSOLE_INPUT_H
#define LINTEL_CONSOLE_INPUT_H

#include <lintel/types.h>

#define CONSOLE_SWITCH_CHAR  0x01   /* Ctrl-A */
#define CONSOLE_SWITCH_COUNT 3

enum console_target { CONSOLE_TO_HYPERVISOR, CONSOLE_TO_DOM0 };

enum console_action {
    CONSOLE_DELIVER,    /* hand the byte to the current target */
    CONSOLE_SWALLOW,    /* part of a possible switch sequence */
    CONSOLE_SWITCHED,   /* the target just changed */
};

struct console_input {
    enum console_target target;
    unsigned switch_presses;
};

void console_input_init(struct console_input *ci, enum console_target start);
enum console_action console_input_feed(struct console_input *ci, char c);

#endif
