/*
 * What the gnttab_peer test kernel (a granter domU and a mapper domU) and
 * dom0's gnt-peer program (tests/grants/gnt_peer.c) agree on: which grant
 * reference holds what, the mailbox through which dom0 drives the granter,
 * and the bytes every granted page starts with. Plain C, included by the
 * freestanding kernel and by the Linux program alike.
 */
#ifndef GNTTAB_PEER_H
#define GNTTAB_PEER_H

#include <stdint.h>

/* Phase 1: the granter's grants to dom0. */
#define PEER_REF_MAILBOX    8   /* writable to dom0: the mailbox, then a pattern */
#define PEER_REF_RO         9   /* read-only to dom0 */
#define PEER_REF_ELSEWHERE  10  /* granted to the granter itself: not dom0's */
#define PEER_REF_NEVER      11  /* never granted */

/* Phase 2, once dom0 named the mapper. */
#define PEER_REF_LAST       12  /* writable to dom0, mapped across the granter's death */
#define PEER_REF_SHARED     13  /* writable to the mapper */
#define PEER_REF_SHARED_RO  14  /* read-only to the mapper */
#define PEER_REF_DOM0_ONLY  15  /* to dom0: not the mapper's */
/* Writable to the mapper, all naming one page: enough to run its maptrack
 * out (1024 frames of 256 handles, 128 read-only and 128 writable device
 * mappings per grant) with some to spare. */
#define PEER_BULK_FIRST     256
#define PEER_BULK_COUNT     1040
#define PEER_TABLE_FRAMES   3   /* holds PEER_BULK_FIRST + PEER_BULK_COUNT entries */

/* The mailbox, at the start of the PEER_REF_MAILBOX page. */
#define PEER_MAGIC          0x47505252u     /* the granter is ready */
#define PEER_PATTERN_OFFSET 1024            /* the pattern starts here in the mailbox page */

enum peer_command {
    PEER_CMD_NONE,
    /* dom0 maps MAILBOX writable and RO read-only: the granter checks the
     * in-use bits it sees and that it cannot end access to RO (answer 1). */
    PEER_CMD_TRY_END,
    /* arg: the mapper's domid; the granter grants phase 2 (answer 0). */
    PEER_CMD_GRANT_TO_MAPPER,
    /* dom0 maps LAST: the granter ends access to it, sees it still in use
     * (answer 1), prints its verdict and powers off. */
    PEER_CMD_FINISH,
};

struct peer_mailbox {
    volatile uint32_t magic;
    volatile uint32_t command;
    volatile uint32_t arg;
    volatile uint32_t seq;          /* dom0: one more for each command */
    volatile uint32_t done_seq;     /* granter: the last command it answered */
    volatile int32_t answer;
    volatile uint32_t dom0_mark;    /* dom0 writes it through its mapping */
};

#define PEER_DOM0_MARK      0xd0d0cafeu

/* The mapper writes this at PEER_HOLD_OFFSET of the SHARED page once it
 * holds its final mappings (SHARED writable, SHARED_RO read-only). */
#define PEER_HOLD_OFFSET    2048
#define PEER_HOLD_MARK      0x484f4c44u

/* Byte i of the page granted at ref (the mailbox page from its offset on). */
static inline uint8_t peer_pattern(uint32_t ref, uint32_t i)
{
    return (uint8_t)(i * 7u + ref * 31u + 1u);
}

#endif /* GNTTAB_PEER_H */
