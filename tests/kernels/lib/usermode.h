/*
 * Running code in guest user mode.
 *
 * A 64-bit PV kernel and its user code both run in ring 3; the hypervisor
 * tells them apart by a mode flag and switches page tables (the user ones
 * set with MMUEXT_NEW_USER_BASEPTR) and stacks (the kernel one set with
 * stack_switch) when crossing. user_mode_setup() uses the kernel's own L4
 * for user mode too, which is enough for tests: 64-bit PV mappings are
 * all user-accessible.
 *
 * user_call(fn, stack) enters fn in user mode with the iret hypercall; fn
 * ends with user_return(value), a syscall, which lands in the kernel's
 * syscall callback and makes user_call return value. Code in user mode
 * must not make hypercalls or print: a "hypercall" there is a syscall.
 */
#ifndef TESTKERNEL_USERMODE_H
#define TESTKERNEL_USERMODE_H

/*
 * rdi tells the syscall callback what a syscall from user mode wants:
 * USER_SYSCALL_END ends user_call, USER_SYSCALL_ECHO counts the call in
 * user_echo_syscalls and returns to user mode the way Linux returns from a
 * system call (iret with VGCF_in_syscall).
 */
#define USER_SYSCALL_END  0
#define USER_SYSCALL_ECHO 0xec40

#ifndef __ASSEMBLY__
extern volatile unsigned long user_echo_syscalls;

long user_mode_setup(void);
long user_call(void (*fn)(void), void *user_stack_top);

static inline void __attribute__((noreturn)) user_return(long value)
{
    asm volatile("syscall" : : "a"(value), "D"((unsigned long)USER_SYSCALL_END)
                 : "rcx", "r11", "memory");
    __builtin_unreachable();
}
#endif

#endif /* TESTKERNEL_USERMODE_H */
