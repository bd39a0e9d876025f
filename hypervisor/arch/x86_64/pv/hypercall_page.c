/*
 * The hypercall page of a 64-bit PV guest: 128 stubs of 32 bytes, stub N
 * being the way to make hypercall N. syscall clobbers rcx and r11, so each
 * stub saves them around it. The iret stub never returns: it pushes rax
 * too (completing the guest's iret frame, see struct iret_context) and
 * jumps into the hypervisor for good.
 */
#include <lintel/lib.h>
#include <lintel/pv_exec.h>
#include <public/xen.h>

#define STUB_SIZE 32

static const uint8_t push_rcx_r11[] = { 0x51, 0x41, 0x53 };
static const uint8_t syscall_insn[] = { 0x0f, 0x05 };
static const uint8_t pop_r11_rcx_ret[] = { 0x41, 0x5b, 0x59, 0xc3 };
static const uint8_t push_rax = 0x50;
static const uint8_t mov_imm32_eax = 0xb8;
static const uint8_t int3 = 0xcc;

static uint8_t *put(uint8_t *p, const void *bytes, size_t n)
{
    memcpy(p, bytes, n);
    return p + n;
}

static uint8_t *put_mov_eax(uint8_t *p, uint32_t nr)
{
    *p++ = mov_imm32_eax;
    return put(p, &nr, 4);
}

void pv_write_hypercall_page(void *page)
{
    uint8_t *base = page;

    /* Unused space traps, so a jump into the middle of a stub is caught. */
    memset(page, int3, PAGE_SIZE);
    for (uint32_t nr = 0; nr < PAGE_SIZE / STUB_SIZE; nr++) {
        uint8_t *p = base + nr * STUB_SIZE;

        p = put(p, push_rcx_r11, sizeof(push_rcx_r11));
        if (nr == __HYPERVISOR_iret) {
            *p++ = push_rax;
            p = put_mov_eax(p, nr);
            put(p, syscall_insn, sizeof(syscall_insn));
            continue;
        }
        p = put_mov_eax(p, nr);
        p = put(p, syscall_insn, sizeof(syscall_insn));
        put(p, pop_r11_rcx_ret, sizeof(pop_r11_rcx_ret));
    }
}
