/*
 * GDT, TSS and IDT. The GDT keeps Xen's reserved layout: PV guests own
 * the entries below 0xe000 and load the flat ring-3 selectors the public
 * headers define (FLAT_RING3_CS64 = 0xe033, ...), so ours live above.
 */
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/percpu.h>
#include <lintel/smp.h>
#include <lintel/traps.h>

#define GDT_RESERVED_FIRST  (0xe000 / 8)
#define GDT_ENTRIES         (GDT_RESERVED_FIRST + 16)

#define DESC_CODE64_DPL0    0x00af9b000000ffffULL
#define DESC_DATA_DPL0      0x00cf93000000ffffULL
#define DESC_CODE32_DPL3    0x00cffb000000ffffULL
#define DESC_DATA_DPL3      0x00cff3000000ffffULL
#define DESC_CODE64_DPL3    0x00affb000000ffffULL

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __packed;

struct table_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

/*
 * Each pCPU has its own GDT (guests' entries are copied into the live one
 * when a vCPU is switched in) and TSS (rsp0 and IST stacks are in its own
 * stack block). The boot CPU's GDT is static; the others come from the
 * frame allocator (descriptors_init_cpu). One IDT serves every CPU.
 */
static uint64_t boot_gdt[GDT_ENTRIES] __aligned(4096);
static DEFINE_PER_CPU(struct tss64, tss) __aligned(128);
static struct idt_entry idt[256] __aligned(4096);

extern const char interrupt_stubs[];

static void gdt_set(uint64_t *gdt, uint16_t selector, uint64_t desc)
{
    gdt[selector >> 3] = desc;
}

static void gdt_set_tss(uint64_t *gdt, uint16_t selector, const struct tss64 *t)
{
    uint64_t base = (uint64_t)(uintptr_t)t;
    uint64_t limit = sizeof(*t) - 1;

    gdt[selector >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                         (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
                         (((base >> 24) & 0xff) << 56);
    gdt[(selector >> 3) + 1] = base >> 32;
}

void tss_set_ist(unsigned ist, uint64_t stack_top)
{
    this_cpu(tss).ist[ist - 1] = stack_top;
}

size_t gdt_size(void)
{
    return sizeof(boot_gdt);
}

static void load_gdt_and_segments(const uint64_t *gdt)
{
    struct table_ptr ptr = { sizeof(boot_gdt) - 1, (uint64_t)(uintptr_t)gdt };

    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movl %2, %%eax\n\t"
        "movl %%eax, %%ds\n\t"
        "movl %%eax, %%es\n\t"
        "movl %%eax, %%ss\n\t"
        : : "m"(ptr), "i"(HYPERVISOR_CS), "i"(HYPERVISOR_DS) : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"(TSS_SELECTOR));
}

static void idt_write(unsigned vector, const void *stub, unsigned dpl, uint8_t ist)
{
    uint64_t handler = (uint64_t)(uintptr_t)stub;

    idt[vector] = (struct idt_entry){
        .offset_low = handler & 0xffff,
        .selector = HYPERVISOR_CS,
        .ist = ist,
        .type_attr = (uint8_t)(0x8e | ((dpl & 3) << 5)),   /* present interrupt gate */
        .offset_mid = (handler >> 16) & 0xffff,
        .offset_high = handler >> 32,
    };
}

static void idt_set(unsigned vector, uint8_t ist)
{
    idt_write(vector, interrupt_stubs + vector * 16, 0, ist);
}

void idt_set_handler(unsigned vector, const void *stub, unsigned dpl)
{
    if (vector < 256)
        idt_write(vector, stub, dpl, idt[vector].ist);
}

void tss_set_rsp0(uint64_t stack_top)
{
    this_cpu(tss).rsp[0] = stack_top;
}

static void load_idt(void)
{
    struct table_ptr idt_ptr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

    __asm__ volatile("lidt %0" : : "m"(idt_ptr));
}

/* Hypervisor entries, this CPU's TSS and IST stacks (bottom of its stack block). */
static void cpu_tables_init(unsigned cpu, uint64_t *gdt)
{
    struct tss64 *tss = &per_cpu(tss, cpu);
    uintptr_t block = cpu_stack_block(cpu);

    gdt_set(gdt, HYPERVISOR_CS, DESC_CODE64_DPL0);
    gdt_set(gdt, HYPERVISOR_DS, DESC_DATA_DPL0);
    gdt_set(gdt, 0xe020, DESC_CODE32_DPL3);  /* FLAT_RING3_CS32 */
    gdt_set(gdt, 0xe028, DESC_DATA_DPL3);    /* FLAT_RING3_DS32, SS */
    gdt_set(gdt, 0xe030, DESC_CODE64_DPL3);  /* FLAT_RING3_CS64 */
    tss->iomap_base = sizeof(*tss);          /* no I/O bitmap */
    tss->ist[IST_NMI - 1] = block + 1 * IST_STACK_SIZE;
    tss->ist[IST_DF - 1] = block + 2 * IST_STACK_SIZE;
    tss->ist[IST_MCE - 1] = block + 3 * IST_STACK_SIZE;
    gdt_set_tss(gdt, TSS_SELECTOR, tss);
    load_gdt_and_segments(gdt);
}

/* An AP: gdt_memory is gdt_size() bytes, zeroed. */
void descriptors_init_cpu(unsigned cpu, uint64_t *gdt_memory)
{
    cpu_tables_init(cpu, gdt_memory);
    load_idt();
}

void descriptors_init(void)
{
    cpu_tables_init(0, boot_gdt);

    for (unsigned v = 0; v < 256; v++)
        idt_set(v, 0);
    /* These can arrive on a broken stack or mid-entry: give them their own. */
    idt_set(VECTOR_NMI, IST_NMI);
    idt_set(VECTOR_DOUBLE_FAULT, IST_DF);
    idt_set(VECTOR_MACHINE_CHECK, IST_MCE);
    load_idt();
}
