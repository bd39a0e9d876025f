/*
 * The exception fixup table: (faulting instruction, resume address) pairs
 * that assembly emits into .ex_table. A handful of entries today, so a
 * linear search; sort it at link time if it ever grows large.
 */
#include <lintel/printk.h>
#include <lintel/uaccess.h>

struct exception_fixup {
    uint64_t insn;
    uint64_t fixup;
};

extern const struct exception_fixup __start_ex_table[], __stop_ex_table[];

uint64_t exception_fixup_lookup(uint64_t rip)
{
    for (const struct exception_fixup *e = __start_ex_table; e < __stop_ex_table; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

void exception_fixup_selftest(void)
{
    /* Unmapped (the identity map is gone) and non-canonical addresses. */
    static const uint64_t bad[] = { 0x1000, 0x8000000000000000ULL };
    uint64_t word = 0x1234, copy = 0;

    if (copy_from_unsafe(&copy, &word, sizeof(word)) || copy != word)
        panic("exception fixups: copying mapped memory failed");
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const void *p = (const void *)(uintptr_t)bad[i];
        if (copy_from_unsafe(&copy, p, sizeof(copy)) != sizeof(copy))
            panic("exception fixups: read of %p was not caught", p);
        if (copy_to_unsafe((void *)(uintptr_t)bad[i], &word, sizeof(word)) != sizeof(word))
            panic("exception fixups: write to %p was not caught", p);
    }
    printk("traps: exception fixups catch faults in the copy helpers (self-test passed)\n");
}
