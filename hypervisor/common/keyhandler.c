#include <lintel/keyhandler.h>
#include <lintel/printk.h>

#define MAX_KEYHANDLERS 48

struct keyhandler {
    char key;
    bool fallback;
    keyhandler_fn fn;
    const char *description;
};

static struct keyhandler handlers[MAX_KEYHANDLERS];
static unsigned handler_count;

static bool add_handler(char key, bool fallback, keyhandler_fn fn,
                        const char *description)
{
    for (unsigned i = 0; i < handler_count; i++) {
        if (handlers[i].key != key)
            continue;
        if (!handlers[i].fallback || fallback)
            return false;
        handlers[i] = (struct keyhandler){ key, false, fn, description };
        return true;
    }
    if (handler_count == MAX_KEYHANDLERS)
        return false;
    handlers[handler_count++] = (struct keyhandler){ key, fallback, fn, description };
    return true;
}

bool keyhandler_register(char key, keyhandler_fn fn, const char *description)
{
    return add_handler(key, false, fn, description);
}

bool keyhandler_register_fallback(char key, keyhandler_fn fn, const char *description)
{
    return add_handler(key, true, fn, description);
}

static void show_help(char key)
{
    (void)key;
    printk("'h' pressed -> showing installed debug keys\n");
    /* In key order, whatever order the owners registered in. */
    for (unsigned c = 0; c < 256; c++)
        for (unsigned i = 0; i < handler_count; i++)
            if ((unsigned char)handlers[i].key == c)
                printk(" key '%c' (ascii '%02x') => %s\n", handlers[i].key, c,
                       handlers[i].description);
}

void keyhandler_dispatch(char key)
{
    for (unsigned i = 0; i < handler_count; i++) {
        if (handlers[i].key == key) {
            handlers[i].fn(key);
            return;
        }
    }
    if (key != '\r' && key != '\n')
        printk("unknown debug key '%c' (ascii %02x); press 'h' for the list\n",
               key >= 0x20 && key < 0x7f ? key : '?', (unsigned)(unsigned char)key);
}

void keyhandler_init(void)
{
    keyhandler_register('h', show_help, "show this message");
}
