/*
 * Domains and vCPUs: the objects every PV subsystem hangs its state on.
 *
 * Ownership (one file owns each part; others only call its functions):
 *   common/domain.c            life cycle: create, pause, shutdown, destroy, lookup
 *   arch/x86_64/pv/            struct pv_vcpu (guest CPU state) and its entry/exit
 *   arch/x86_64/pv/mm.c        page types and the domain's page list
 *   common/event_channel.c     d->evtchn (opaque), VIRQ delivery
 *   common/grant_table.c       d->grant_table (opaque)
 *   common/sched_*.c           v->sched (opaque), run states
 */
#ifndef LINTEL_DOMAIN_H
#define LINTEL_DOMAIN_H

#include <lintel/spinlock.h>
#include <lintel/types.h>
#include <lintel/pv_vcpu.h>

typedef uint16_t domid_t;

#define DOMAIN_MAX_VCPUS 128

enum domain_state {
    DOMAIN_CREATED,     /* built, never unpaused */
    DOMAIN_RUNNING,     /* may be scheduled (vCPUs may still be blocked) */
    DOMAIN_SHUTDOWN,    /* SCHEDOP_shutdown seen; reason in shutdown_code */
    DOMAIN_DYING,       /* destroy in progress: resources being released */
    DOMAIN_DEAD,
};

struct vcpu {
    unsigned id;
    struct domain *domain;
    bool online;                /* VCPUOP_up/down; vCPU 0 starts online */
    unsigned pause_count;       /* > 0: never scheduled */
    bool blocked;               /* SCHEDOP_block until an event arrives */
    struct pv_vcpu pv;          /* guest-visible CPU state (arch/x86_64/pv/) */
    void *sched;                /* scheduler private */
    uint64_t runstate_entry_ns; /* accounting, owned by the scheduler */
    uint64_t runstate_time_ns[4];
    int processor;              /* pCPU it last ran on */
    /* pCPUs it may run on (bit n = pCPU n), as XEN_DOMCTL_setvcpuaffinity
     * set them; all ones until then. */
    uint64_t affinity_hard, affinity_soft;
};

struct domain {
    domid_t id;
    bool is_privileged;         /* dom0: the control and hardware domain */
    enum domain_state state;
    unsigned shutdown_code;     /* SHUTDOWN_* once state >= SHUTDOWN */
    unsigned pause_count;       /* toolstack pauses; the builder's initial one */
    spinlock_t lock;

    /* Memory: frames whose page_info.owner is this domain. */
    spinlock_t page_lock;
    uint64_t tot_pages;         /* frames owned now */
    uint64_t max_pages;         /* XENMEM increase/populate refuse past it */
    uint64_t outstanding_pages; /* XENMEM_claim_pages: claimed, not yet allocated */
    uint32_t page_list_head;    /* frame numbers chained through page_info */
    mfn_t shared_info_mfn;
    void *shared_info;          /* direct-map pointer to it */

    unsigned max_vcpus;
    struct vcpu *vcpus[DOMAIN_MAX_VCPUS];

    uint64_t vm_assist;         /* VMASST_TYPE_* bits enabled (vm_assist) */

    void *evtchn;               /* common/event_channel.c */
    void *grant_table;          /* common/grant_table.c */

    /* What the toolstack gave XEN_DOMCTL_createdomain (and friends). */
    uint8_t handle[16];         /* its UUID for the domain */
    uint32_t ssidref;           /* security label; 0 without XSM */
    uint32_t create_flags;      /* XEN_DOMCTL_CDF_* */
    uint32_t max_evtchn_port;   /* highest port it may bind */
    int64_t time_offset_seconds;/* XEN_DOMCTL_settimeoffset */
    uint32_t tsc_mode;          /* XEN_DOMCTL_settscinfo: Xen's TSC_MODE_* */
    /* XEN_DOMCTL_set_cpu_policy's policy; NULL: the PV default (common/control/). */
    struct cpu_policy *cpu_policy;

    char name[32];              /* for logs and debug keys only */
    struct domain *next_in_list;
};

/* The vCPU running on this pCPU (the idle vCPU when none). */
struct vcpu *current_vcpu(void);
static inline struct domain *current_domain(void)
{
    return current_vcpu()->domain;
}

struct domain *domain_create(domid_t id, bool privileged, unsigned max_vcpus);
/* A toolstack-built (unprivileged) domain with its event-channel limit;
 * paused once, like every new domain, until the toolstack unpauses it. */
struct domain *domain_create_guest(domid_t id, unsigned max_vcpus, uint32_t max_evtchn_port);
struct domain *domain_lookup(domid_t id);   /* NULL when it does not exist */
struct domain *dom0(void);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
/* SCHEDOP_shutdown / a crash: stops the domain and tells dom0 (VIRQ_DOM_EXC). */
void domain_shutdown(struct domain *d, unsigned reason);
/* Reports the vCPU's registers and shuts the domain down with SHUTDOWN_crash;
 * never touches any other domain. */
void domain_crash(struct domain *d, const char *why);
void domain_destroy(struct domain *d);

/* The idle vCPU of this pCPU (domain DOMID_IDLE); it runs sched_start(). */
struct vcpu *idle_vcpu(void);
bool is_idle_vcpu(const struct vcpu *v);
/* Running on some pCPU right now. */
bool vcpu_is_running(const struct vcpu *v);
/* What pCPU cpu runs now (NULL or an idle vCPU when no guest). */
struct vcpu *cpu_running_vcpu(unsigned cpu);
/* Only the context switch changes what current_vcpu() returns. */
void set_current_vcpu(struct vcpu *v);
/* Online, not blocked, neither it nor its domain paused, domain running. */
bool vcpu_runnable(const struct vcpu *v);
/* Creates vCPUs 1..n-1 (offline until VCPUOP_up). */
int domain_create_vcpus(struct domain *d, unsigned n);
void domain_register_keys(void);

/* Serial input for dom0 raises VIRQ_CONSOLE in it (console_io.c). */
void console_io_attach_dom0(void);

struct boot_info;
/* Builds dom0 from boot modules 0 (kernel) and 1 (initrd); paused. NULL on error. */
struct domain *dom0_build(const struct boot_info *bi);

#endif
