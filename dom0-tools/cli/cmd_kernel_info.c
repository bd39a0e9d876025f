/*
 * lintel kernel-info: what the domain builder reads from a kernel file and
 * where it would place the boot data for a given memory size. Needs no
 * hypervisor, so it also runs on a build host.
 */
#include <inttypes.h>
#include <stdio.h>

#include "boot_layout.h"
#include "cli_args.h"
#include "commands.h"
#include "kernel_image.h"

static void print_hex(const char *key, bool present, uint64_t value)
{
    if (present)
        printf("%-20s: 0x%" PRIx64 "\n", key, value);
    else
        printf("%-20s: (none)\n", key);
}

static void print_features(const char *key, uint32_t bits)
{
    const char *sep = "";

    printf("%-20s: ", key);
    for (int bit = 0; bit < 32; bit++) {
        const char *name = xen_feature_name(bit);

        if (!(bits >> bit & 1))
            continue;
        if (name)
            printf("%s%s", sep, name);
        else
            printf("%sbit%d", sep, bit);
        sep = "|";
    }
    printf("\n");
}

static void print_image(const struct kernel_image *img)
{
    const struct xen_guest_params *x = &img->xen;

    printf("%-20s: %s\n", "format", img->format);
    printf("%-20s: %zu\n", "elf_size", img->elf_size);
    print_hex("entry", x->has_entry, x->entry);
    print_hex("hypercall_page", x->has_hypercall_page, x->hypercall_page);
    print_hex("virt_base", x->has_virt_base, x->virt_base);
    print_hex("paddr_offset", x->has_paddr_offset, x->paddr_offset);
    print_hex("init_p2m", x->has_init_p2m, x->init_p2m);
    printf("%-20s: 0x%" PRIx64 "-0x%" PRIx64 "\n", "kernel_range", img->virt_start,
           img->virt_end);
    printf("%-20s: %s\n", "guest_os", x->guest_os);
    printf("%-20s: %s\n", "guest_version", x->guest_version);
    printf("%-20s: %s\n", "xen_version", x->xen_version);
    printf("%-20s: %s\n", "loader", x->loader);
    printf("%-20s: %s\n", "pae_mode", x->pae_mode);
    printf("%-20s: %s\n", "mod_start_pfn", x->mod_start_pfn ? "yes" : "no");
    print_features("features_required", x->features_required);
    print_features("features_supported", x->features_supported);
    for (size_t i = 0; i < img->n_segments; i++)
        printf("segment[%zu]          : paddr 0x%" PRIx64 " vaddr 0x%" PRIx64 " filesz 0x%"
               PRIx64 " memsz 0x%" PRIx64 "\n", i, img->segments[i].paddr,
               img->segments[i].load_vaddr, img->segments[i].file_size,
               img->segments[i].mem_size);
}

static void print_region(const char *name, const struct boot_region *r)
{
    if (!r->pages)
        return;
    printf("  %-12s pfn %#8" PRIx64 "  pages %6" PRIu64 "  vaddr %#" PRIx64 "\n", name,
           r->pfn, r->pages, r->vaddr);
}

static int print_layout(const struct command *cmd, const struct kernel_image *img,
                        uint64_t memory_kib)
{
    struct boot_layout_request req = {
        .virt_base = img->xen.virt_base,
        .kernel_vstart = img->virt_start,
        .kernel_vend = img->virt_end,
        .nr_pages = memory_kib / 4,
        .p2m_at_init_p2m = img->xen.has_init_p2m,
        .init_p2m = img->xen.init_p2m,
    };
    struct boot_layout l;
    char why[256];

    if (boot_layout_compute(&req, &l, why, sizeof(why)) < 0)
        return command_fail(cmd, "%s", why);
    printf("layout for %" PRIu64 " MiB:\n", memory_kib >> 10);
    print_region("kernel", &l.kernel);
    print_region("p2m", &l.p2m);
    print_region("start_info", &l.start_info);
    print_region("xenstore", &l.xenstore);
    print_region("console", &l.console);
    print_region("page_tables", &l.page_tables);
    print_region("boot_stack", &l.boot_stack);
    printf("  %-12s %#" PRIx64 "\n", "mapped_end", l.mapped_end);
    printf("  %-12s L4 %u, L3 %u, L2 %u, L1 %u\n", "tables", l.tables[3], l.tables[2],
           l.tables[1], l.tables[0]);
    return EXIT_OK;
}

int cmd_kernel_info(const struct command *cmd, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "memory", required_argument, NULL, 'm' },
        { NULL, 0, NULL, 0 },
    };
    struct kernel_image img;
    uint64_t memory_kib = 0;
    char why[256];
    int opt, rc;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "m:", longopts)) != -1) {
        if (opt != 'm')
            return EXIT_USAGE;
        if (cli_parse_memory_kib("memory size", optarg, 16 << 10, (uint64_t)1 << 40,
                                 &memory_kib, why, sizeof(why)) < 0)
            return command_usage_error(cmd, "%s", why);
    }
    if (argc - optind != 1)
        return command_usage_error(cmd, argc - optind ? "too many arguments"
                                                      : "missing KERNEL file");
    if (kernel_image_load(argv[optind], &img, why, sizeof(why)) < 0)
        return command_fail(cmd, "%s: %s", argv[optind], why);
    print_image(&img);
    rc = memory_kib ? print_layout(cmd, &img, memory_kib) : EXIT_OK;
    kernel_image_free(&img);
    return rc;
}
