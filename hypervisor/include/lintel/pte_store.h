/*
 * Decoding the stores a PV kernel makes straight into its (read-only) page
 * tables, for the writable-pagetables emulation in arch/x86_64/pv/ptwr.c:
 * mov, xchg, and/or (Linux's clear_bit/set_bit), cmpxchg, bts/btr, with
 * optional lock/ds prefixes and REX. The memory operand's address is not
 * needed (the fault gives it), only the instruction's length and operands.
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_PTE_STORE_H
#define LINTEL_PTE_STORE_H

#include <lintel/types.h>

enum store_op { OP_MOV, OP_XCHG, OP_AND, OP_OR, OP_CMPXCHG, OP_BTS, OP_BTR };

struct pte_store {
    enum store_op op;
    unsigned length;            /* instruction bytes */
    unsigned size;              /* operand bytes: 1, 4 or 8 */
    bool from_register;         /* source is register reg, else imm */
    unsigned reg;
    uint64_t imm;
};

/* False for anything else, or when the instruction is longer than avail. */
bool pte_store_decode(const uint8_t *insn, unsigned avail, struct pte_store *s);

#endif
