#include <lintel/console_input.h>

void console_input_init(struct console_input *ci, enum console_target start)
{
    ci->target = start;
    ci->switch_presses = 0;
}

enum console_action console_input_feed(struct console_input *ci, char c)
{
    if (c != CONSOLE_SWITCH_CHAR) {
        ci->switch_presses = 0;
        return CONSOLE_DELIVER;
    }
    if (++ci->switch_presses < CONSOLE_SWITCH_COUNT)
        return CONSOLE_SWALLOW;
    ci->switch_presses = 0;
    ci->target = ci->target == CONSOLE_TO_HYPERVISOR ? CONSOLE_TO_DOM0
                                                     : CONSOLE_TO_HYPERVISOR;
    return CONSOLE_SWITCHED;
}
