/*
 * Stack traces walk the frame-pointer chain (everything is built with
 * -fno-omit-frame-pointer) and name each return address from the symbol
 * table that the second link pass embeds in the image.
 */
#include <lintel/layout.h>
#include <lintel/printk.h>
#include <lintel/stacktrace.h>
#include <lintel/uaccess.h>

#define MAX_FRAMES 32

struct lintel_symbol {
    uint64_t addr;
    uint32_t name_offset;
    uint32_t reserved;
};

extern const struct lintel_symbol lintel_symbols[];
extern const uint64_t lintel_symbol_count;
extern const char lintel_symbol_names[];
extern const char _start[], _etext[];

const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
    uint64_t lo = 0, hi = lintel_symbol_count;

    if (addr < (uint64_t)(uintptr_t)_start || addr >= (uint64_t)(uintptr_t)_etext || !hi)
        return NULL;
    /* Find the last symbol at or below addr. */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (lintel_symbols[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (lintel_symbols[lo].addr > addr)
        return NULL;
    if (offset)
        *offset = addr - lintel_symbols[lo].addr;
    if (size) {
        uint64_t next = lo + 1 < lintel_symbol_count ? lintel_symbols[lo + 1].addr
                                                     : (uint64_t)(uintptr_t)_etext;
        *size = next - lintel_symbols[lo].addr;
    }
    return lintel_symbol_names + lintel_symbols[lo].name_offset;
}

static void print_frame(uint64_t addr)
{
    uint64_t off, size;
    const char *name = symbol_lookup(addr, &off, &size);

    if (name)
        pr_err("   [<%016lx>] %s+%#lx/%#lx\n", (unsigned long)addr, name,
               (unsigned long)off, (unsigned long)size);
    else
        pr_err("   [<%016lx>] (not in the hypervisor image)\n", (unsigned long)addr);
}

/*
 * Frames are read with copy_from_unsafe, so a corrupt frame pointer ends
 * the trace instead of faulting inside the crash report.
 */
void stacktrace_print(uint64_t rip, uint64_t rbp)
{
    print_frame(rip);
    for (unsigned n = 0; n < MAX_FRAMES && rbp; n++) {
        uint64_t frame[2];

        if ((rbp & 7) || rbp < HV_RESERVED_START || rbp >= HV_RESERVED_END ||
            copy_from_unsafe(frame, (const void *)(uintptr_t)rbp, sizeof(frame)))
            break;
        print_frame(frame[1]);
        /* Stacks grow down, so callers' frames are always higher. */
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
}

void stacktrace_print_here(void)
{
    uint64_t rbp;

    __asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
    pr_err("Stack trace:\n");
    stacktrace_print((uint64_t)(uintptr_t)stacktrace_print_here, rbp);
}
