/* Boot-time pieces that setup.c strings together. */
#ifndef LINTEL_SETUP_H
#define LINTEL_SETUP_H

#include <lintel/bootinfo.h>
#include <lintel/cmdline.h>

extern struct lintel_options boot_options;
extern struct boot_info boot_info;

/* The hypervisor's options as given, without the image path multiboot1
 * loaders put first (what XENVER_commandline should report). */
const char *boot_hypervisor_args(void);

/* Checks that module 0 is a kernel the dom0 builder can take. */
bool dom0_kernel_module_ok(const struct boot_info *bi);
void boot_modules_print(const struct boot_info *bi);

__noreturn void idle_loop(void);
void idle_register_keys(void);

#endif
