/* 16550 UART on COM1, 115200 8n1, polled in both directions. */
#include <lintel/serial.h>
#include <lintel/x86.h>

#define COM1        SERIAL_COM1_BASE
#define UART_THR    0
#define UART_RBR    0
#define UART_DLL    0
#define UART_IER    1
#define UART_DLM    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define LSR_DATA_READY   0x01
#define LSR_THR_EMPTY    0x20
#define LCR_DLAB    0x80
#define LCR_8N1     0x03
#define BAUD_BASE   115200

void serial_set_baud(unsigned baud)
{
    unsigned divisor = BAUD_BASE / baud;

    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, divisor & 0xff);
    outb(COM1 + UART_DLM, divisor >> 8);
    outb(COM1 + UART_LCR, LCR_8N1);
}

void serial_init(void)
{
    outb(COM1 + UART_IER, 0);
    serial_set_baud(115200);
    outb(COM1 + UART_FCR, 0x07);    /* enable and clear both FIFOs */
    outb(COM1 + UART_MCR, 0x03);    /* DTR and RTS, no interrupts: we poll */
}

void serial_putc(char c)
{
    /* Bounded so that a missing UART cannot hang the hypervisor. */
    for (unsigned spin = 0; spin < 100000; spin++)
        if (inb(COM1 + UART_LSR) & LSR_THR_EMPTY)
            break;
    outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int serial_getc(void)
{
    if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + UART_RBR);
}
