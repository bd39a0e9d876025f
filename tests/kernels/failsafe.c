/*
 * failsafe: an iret to a frame the CPU cannot load (a code selector with
 * no descriptor behind it) must not hurt the hypervisor. Xen 4.17 reflects
 * the failed return to the guest kernel as #GP with the selector as error
 * code (the name is historical: the failsafe callback is for segment
 * reloads). Expected behaviour is Xen 4.17's.
 */
#include "lib/kernel.h"
#include "lib/traps.h"
#include "lib/usermode.h"

#include <public/version.h>

const char kernel_name[] = "failsafe";

/*
 * GDT entry 2 with RPL 3: the guest installed no GDT, so nothing is there.
 * RPL 3 also means "to user mode", so user page tables must exist first.
 */
#define UNLOADABLE_CS 0x13UL

unsigned long bad_iret_saved_rsp;
long iret_to_bad_cs(void);
extern char bad_iret_resume[];

/* Returns the rax the #GP hook leaves (1), or 0 if the iret went through. */
asm(".text\n"
    ".globl iret_to_bad_cs\n"
    "iret_to_bad_cs:\n"
    "    push %rbx\n"
    "    push %rbp\n"
    "    mov %rsp, bad_iret_saved_rsp(%rip)\n"
    "    mov %rsp, %rax\n"
    "    pushq $0xe02b\n"             /* ss */
    "    push %rax\n"                  /* rsp */
    "    pushq $0x2\n"                 /* rflags */
    "    pushq $0x13\n"                /* cs: unloadable */
    "    lea 1f(%rip), %rax\n"
    "    push %rax\n"                  /* rip */
    "    pushq $0\n"                   /* flags */
    "    xor %eax, %eax\n"
    "    jmp hypercall_page + 23 * 32\n"
    "1:  xor %eax, %eax\n"
    ".globl bad_iret_resume\n"
    "bad_iret_resume:\n"
    "    pop %rbp\n"
    "    pop %rbx\n"
    "    ret\n");

static volatile unsigned long gp_seen, gp_error, gp_cs;

/* Takes the #GP, then resumes iret_to_bad_cs's caller in kernel mode. */
static int resume_after_gp(struct trap_frame *frame)
{
    if (frame->vector != 13)
        return 0;
    gp_seen++;
    gp_error = frame->error_code;
    gp_cs = frame->cs;
    frame->rip = (unsigned long)bad_iret_resume;
    frame->cs = FLAT_KERNEL_CS & ~3;
    frame->ss = FLAT_KERNEL_SS;
    frame->rsp = bad_iret_saved_rsp;
    frame->rax = 1;
    return 1;
}

TEST(iret_to_an_unloadable_cs_becomes_a_gp)
{
    EXPECT_OK(traps_install());
    EXPECT_OK(user_mode_setup());
    trap_hook = resume_after_gp;
    EXPECT_EQ(iret_to_bad_cs(), 1);
    trap_hook = 0;
    EXPECT_EQ(gp_seen, 1);
    EXPECT_EQ(gp_error, UNLOADABLE_CS & ~3UL);
    EXPECT_EQ(gp_cs & 0xffff, UNLOADABLE_CS);
    /* Still alive and able to make hypercalls. */
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_pagesize, 0), PAGE_SIZE);
}
