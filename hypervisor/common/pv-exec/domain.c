/*
 * Domain and vCPU life cycle: creation, lookup by id, pause counting,
 * shutdown and crash, destruction. What a domain runs (registers, page
 * tables) belongs to arch/x86_64/pv/; its memory to the PV memory manager;
 * its event channels to common/events/. This file only strings their
 * set-up and tear-down together in the right order.
 */
#include <lintel/cpu_policy.h>
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/event.h>
#include <lintel/grant_table.h>
#include <lintel/hypercall.h>
#include <lintel/keyhandler.h>
#include <lintel/lib.h>
#include <lintel/layout.h>
#include <lintel/mm.h>
#include <lintel/power.h>
#include <lintel/printk.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <lintel/sched.h>
#include <lintel/percpu.h>
#include <public/xen.h>
#include <public/sched.h>

static struct domain *domain_list;
static spinlock_t domain_list_lock = SPINLOCK_INIT;
static struct domain *the_dom0;

static struct domain idle_domain = {
    .id = DOMID_IDLE,
    .state = DOMAIN_RUNNING,
    .name = "idle",
    .max_vcpus = NR_CPUS,
};
/* One idle vCPU per pCPU (its id is the pCPU's number), and what each runs. */
static struct vcpu idle_vcpus[NR_CPUS];
static DEFINE_PER_CPU(struct vcpu *, running);

struct vcpu *current_vcpu(void)
{
    struct vcpu *v = this_cpu(running);

    return v ? v : idle_vcpu();
}

void set_current_vcpu(struct vcpu *v)
{
    this_cpu(running) = v;
}

struct vcpu *idle_vcpu(void)
{
    unsigned cpu = smp_processor_id();
    struct vcpu *v = &idle_vcpus[cpu];

    if (!v->domain) {
        v->id = cpu;
        v->domain = &idle_domain;
        v->online = true;
        v->processor = (int)cpu;
    }
    return v;
}

bool is_idle_vcpu(const struct vcpu *v)
{
    return v->domain == &idle_domain;
}

struct vcpu *cpu_running_vcpu(unsigned cpu)
{
    return cpu < NR_CPUS ? per_cpu(running, cpu) : NULL;
}

/* On some pCPU now (the one it last ran on is the only candidate). */
bool vcpu_is_running(const struct vcpu *v)
{
    return v->processor >= 0 && v->processor < NR_CPUS &&
           per_cpu(running, v->processor) == v;
}

struct domain *domain_lookup(domid_t id)
{
    struct domain *d;

    if (id == DOMID_SELF)
        return is_idle_vcpu(current_vcpu()) ? NULL : current_vcpu()->domain;
    spin_lock(&domain_list_lock);
    for (d = domain_list; d; d = d->next_in_list)
        if (d->id == id && d->state < DOMAIN_DYING)
            break;
    spin_unlock(&domain_list_lock);
    return d;
}

struct domain *dom0(void)
{
    return the_dom0;
}

/*
 * shared_info is a hypervisor page lent to the guest: it is never part of
 * tot_pages, but its frame names the domain as owner so the guest may map
 * it (the memory manager checks ownership).
 */
static int alloc_shared_info(struct domain *d)
{
    void *page = alloc_xen_pages(0);

    if (!page)
        return -ENOMEM;
    memset(page, 0, PAGE_SIZE);
    d->shared_info = page;
    d->shared_info_mfn = virt_to_phys(page) >> PAGE_SHIFT;
    mfn_to_page(d->shared_info_mfn)->owner = d->id;
    return 0;
}

/*
 * The toolstack maps a guest's shared_info through privcmd; a page still
 * mapped that way must not become someone else's memory, so it is left out
 * of the allocator (and said so) rather than freed under the mapping.
 */
static void free_shared_info(struct domain *d)
{
    struct page_info *pg;

    if (!d->shared_info)
        return;
    pg = mfn_to_page(d->shared_info_mfn);
    pg->owner = FRAME_OWNER_XEN;
    if (pg->refcount)
        pr_warn("d%u: shared_info frame %#lx still mapped at destruction, kept out of use\n",
                d->id, (unsigned long)d->shared_info_mfn);
    else
        free_xen_pages(d->shared_info, 0);
    d->shared_info = NULL;
}

static struct vcpu *vcpu_create(struct domain *d, unsigned id)
{
    struct vcpu *v = xzalloc(sizeof(*v));

    if (!v)
        return NULL;
    v->id = id;
    v->domain = d;
    v->online = id == 0;
    v->processor = 0;
    v->affinity_hard = v->affinity_soft = ~0ULL;
    if (pv_vcpu_init(v)) {
        xfree(v);
        return NULL;
    }
    if (sched_init_vcpu(v)) {
        pv_vcpu_destroy(v);
        xfree(v);
        return NULL;
    }
    d->vcpus[id] = v;
    return v;
}

static void vcpu_free(struct vcpu *v)
{
    sched_destroy_vcpu(v);
    pv_vcpu_destroy(v);
    v->domain->vcpus[v->id] = NULL;
    xfree(v);
}

static void free_domain_struct(struct domain *d)
{
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i])
            vcpu_free(d->vcpus[i]);
    free_shared_info(d);
    domain_cpu_policy_free(d);
    xfree(d);
}

static bool id_in_use(domid_t id)
{
    for (struct domain *d = domain_list; d; d = d->next_in_list)
        if (d->id == id)
            return true;
    return false;
}

static struct domain *create(domid_t id, bool privileged, unsigned max_vcpus,
                             uint32_t max_evtchn_port)
{
    struct domain *d;

    if (id >= DOMID_FIRST_RESERVED || max_vcpus == 0 || max_vcpus > DOMAIN_MAX_VCPUS)
        return NULL;
    spin_lock(&domain_list_lock);
    if (id_in_use(id)) {
        spin_unlock(&domain_list_lock);
        return NULL;
    }
    spin_unlock(&domain_list_lock);

    d = xzalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->id = id;
    d->is_privileged = privileged;
    d->state = DOMAIN_CREATED;
    /* The builder's pause: nothing runs until the domain is complete. */
    d->pause_count = 1;
    d->max_vcpus = max_vcpus;
    d->max_evtchn_port = max_evtchn_port;
    d->page_list_head = FRAME_LINK_NONE;
    lintel_snprintf(d->name, sizeof(d->name), "d%u", id);
    if (alloc_shared_info(d) || !vcpu_create(d, 0) || evtchn_init_domain(d)) {
        free_domain_struct(d);
        return NULL;
    }

    /*
     * A toolstack's domain has no registers until setvcpucontext: its
     * vCPU 0 stays down until then, whatever unpauses the domain.
     */
    if (!privileged)
        d->vcpus[0]->online = false;

    spin_lock(&domain_list_lock);
    d->next_in_list = domain_list;
    domain_list = d;
    if (id == 0)
        the_dom0 = d;
    spin_unlock(&domain_list_lock);
    return d;
}

struct domain *domain_create(domid_t id, bool privileged, unsigned max_vcpus)
{
    return create(id, privileged, max_vcpus, UINT32_MAX);
}

struct domain *domain_create_guest(domid_t id, unsigned max_vcpus, uint32_t max_evtchn_port)
{
    return create(id, false, max_vcpus, max_evtchn_port);
}

/* Creates vCPUs 1..n-1 (offline until VCPUOP_up), for SMP guests. */
int domain_create_vcpus(struct domain *d, unsigned n)
{
    if (n > d->max_vcpus)
        return -EINVAL;
    for (unsigned i = 1; i < n; i++)
        if (!d->vcpus[i] && !vcpu_create(d, i))
            return -ENOMEM;
    return 0;
}

bool vcpu_runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    return v->online && !v->blocked && !v->pause_count && !d->pause_count &&
           d->state == DOMAIN_RUNNING;
}

void domain_pause(struct domain *d)
{
    spin_lock(&d->lock);
    d->pause_count++;
    spin_unlock(&d->lock);
    /* Synchronous, as on Xen: the caller changes what the vCPUs run on. */
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i])
            sched_sleep_sync(d->vcpus[i]);
}

void domain_unpause(struct domain *d)
{
    bool wake;

    spin_lock(&d->lock);
    if (d->pause_count)
        d->pause_count--;
    if (!d->pause_count && d->state == DOMAIN_CREATED)
        d->state = DOMAIN_RUNNING;
    wake = !d->pause_count;
    spin_unlock(&d->lock);
    if (!wake)
        return;
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i] && vcpu_runnable(d->vcpus[i]))
            sched_wake(d->vcpus[i]);
}

static const char *shutdown_reason_name(unsigned reason)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash",
                                         "watchdog", "soft_reset" };

    return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

/*
 * dom0 is the machine's owner: when it stops, the machine follows, as on
 * Xen (a crash reboots unless noreboot says halt).
 */
static __noreturn void machine_follows_dom0(unsigned reason)
{
    printk("Hardware domain shut down (%s): %s the machine\n",
           shutdown_reason_name(reason),
           reason == SHUTDOWN_poweroff ? "powering off" : "restarting");
    if (reason == SHUTDOWN_poweroff)
        machine_poweroff();
    if (reason == SHUTDOWN_crash || reason == SHUTDOWN_watchdog)
        machine_stop_after_crash();
    machine_reboot();
}

void domain_shutdown(struct domain *d, unsigned reason)
{
    spin_lock(&d->lock);
    if (d->state >= DOMAIN_SHUTDOWN) {
        spin_unlock(&d->lock);
        return;
    }
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_code = reason;
    spin_unlock(&d->lock);
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i])
            sched_sleep(d->vcpus[i]);
    printk("Domain %u shut down (reason %u: %s)\n", d->id, reason,
           shutdown_reason_name(reason));
    if (d == the_dom0 && reason != SHUTDOWN_suspend)
        machine_follows_dom0(reason);
    if (the_dom0 && the_dom0->state < DOMAIN_SHUTDOWN)
        send_guest_global_virq(the_dom0, VIRQ_DOM_EXC);
}

void domain_crash(struct domain *d, const char *why)
{
    struct vcpu *v = current_vcpu();

    if (d->state >= DOMAIN_SHUTDOWN)
        return;
    pr_err("Domain %u (vcpu#%u) crashed: %s\n", d->id,
           v->domain == d ? v->id : 0, why);
    if (v->domain == d)
        pv_vcpu_print_state(v);
    domain_shutdown(d, SHUTDOWN_crash);
}

void domain_destroy(struct domain *d)
{
    spin_lock(&d->lock);
    if (d->state >= DOMAIN_DYING) {
        spin_unlock(&d->lock);
        return;
    }
    d->state = DOMAIN_DYING;
    spin_unlock(&d->lock);
    /* No pCPU may still run on, or save into, what is freed below. */
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i])
            sched_sleep_sync(d->vcpus[i]);
    evtchn_destroy_domain(d);
    /*
     * Grants before memory: the domain's own mappings of others' grants
     * hold references on their frames and pins in their tables, and its
     * table must be gone before a new domain can reuse the id and be
     * mistaken for the grantee of old entries.
     */
    grant_table_domain_destroy(d);
    domain_release_memory(d);
    /* Its table's frames, which its own page tables mapped until now. */
    grant_table_domain_free(d);

    spin_lock(&domain_list_lock);
    for (struct domain **p = &domain_list; *p; p = &(*p)->next_in_list) {
        if (*p == d) {
            *p = d->next_in_list;
            break;
        }
    }
    if (d == the_dom0)
        the_dom0 = NULL;
    spin_unlock(&domain_list_lock);
    d->state = DOMAIN_DEAD;
    free_domain_struct(d);
}

static const char *state_name(enum domain_state s)
{
    static const char *const names[] = { "created", "running", "shutdown", "dying",
                                         "dead" };

    return s < ARRAY_SIZE(names) ? names[s] : "?";
}

static void domain_key(char key)
{
    (void)key;
    printk("Domain info:\n");
    spin_lock(&domain_list_lock);
    for (struct domain *d = domain_list; d; d = d->next_in_list) {
        printk("  domain %u (%s)%s: %s, pause count %u, %lu pages (max %lu), "
               "%u vcpus max\n", d->id, d->name, d->is_privileged ? " privileged" : "",
               state_name(d->state), d->pause_count, (unsigned long)d->tot_pages,
               (unsigned long)d->max_pages, d->max_vcpus);
        for (unsigned i = 0; i < d->max_vcpus; i++) {
            struct vcpu *v = d->vcpus[i];
            if (v)
                printk("    vcpu %u: %s%s%s, %s mode, rip %#lx\n", v->id,
                       v->online ? "online" : "offline", v->blocked ? ", blocked" : "",
                       vcpu_is_running(v) ? ", running" : "",
                       v->pv.in_kernel ? "kernel" : "user",
                       (unsigned long)pv_vcpu_guest_rip(v));
        }
    }
    spin_unlock(&domain_list_lock);
}

void domain_register_keys(void)
{
    hypercall_register_keys();
    /* The core's idle loop may still hold 'q' for its "no domains" message. */
    if (!keyhandler_register('q', domain_key, "dump domain (and guest debug) info"))
        keyhandler_register('d', domain_key, "dump domain (and guest debug) info");
}
