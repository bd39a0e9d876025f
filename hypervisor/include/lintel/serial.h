/* The COM1 UART: the hypervisor's console on real machines and in QEMU. */
#ifndef LINTEL_SERIAL_H
#define LINTEL_SERIAL_H

#include <lintel/types.h>

/* Its eight I/O ports, which no guest may reach (see pv/emulate.c). */
#define SERIAL_COM1_BASE  0x3f8
#define SERIAL_COM1_PORTS 8

void serial_init(void);
/* baud must divide 115200 (cmdline.c checks). */
void serial_set_baud(unsigned baud);
void serial_putc(char c);
void serial_write(const char *s, size_t len);
/* Returns -1 when no byte is waiting. */
int serial_getc(void);

#endif
