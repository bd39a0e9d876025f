/*
 * CPUID/MSR policies in Xen 4.17's toolstack form (see lintel/cpu_policy.h):
 * collecting one from a cpuid source, (de)serialising it as libxc expects,
 * auditing a toolstack's policy and answering a guest from it.
 */
#include <lintel/cpu_policy.h>
#include <lintel/lib.h>
#include <public/errno.h>

#define LEAF1_ECX_XSAVE   (1u << 26)
#define LEAF1_ECX_OSXSAVE (1u << 27)
#define EXTD_BASE         0x80000000u
#define HV_LEAF           0x40000000u
#define HV2_LEAF          0x40000100u

static struct cpuid_regs ask(cpuid_source source, void *ctx, uint32_t leaf, uint32_t subleaf)
{
    uint32_t r[4] = { 0, 0, 0, 0 };

    source(leaf, subleaf, r, ctx);
    return (struct cpuid_regs){ r[0], r[1], r[2], r[3] };
}

/* Leaf 4 and 0xb list subleaves until one of type 0 (the "no more" entry). */
static bool cache_type_none(const struct cpuid_regs *r)
{
    return (r->a & 0x1f) == 0;
}

static bool topo_type_none(const struct cpuid_regs *r)
{
    return ((r->c >> 8) & 0xff) == 0;
}

/* XCR0 and XSS components the policy describes (leaf 0xd/0 and 0xd/1). */
static uint64_t policy_xstates(const struct cpu_policy *p)
{
    return (p->xstate[0].a | ((uint64_t)p->xstate[0].d << 32)) |
           (p->xstate[1].c | ((uint64_t)p->xstate[1].d << 32));
}

static uint32_t basic_max(const struct cpu_policy *p)
{
    return MIN(p->basic[0].a, CPU_POLICY_NR_BASIC - 1);
}

static uint32_t extd_max(const struct cpu_policy *p)
{
    return MIN(p->extd[0].a & 0xffff, CPU_POLICY_NR_EXTD - 1);
}

static void collect_basic(struct cpu_policy *p, cpuid_source source, void *ctx)
{
    p->basic[0] = ask(source, ctx, 0, 0);
    /* Guests are offered no more than the policy can hold, as on Xen. */
    p->basic[0].a = basic_max(p);
    for (uint32_t leaf = 1; leaf <= p->basic[0].a; leaf++) {
        switch (leaf) {
        case 4:
            for (uint32_t s = 0; s < CPU_POLICY_NR_CACHE; s++) {
                p->cache[s] = ask(source, ctx, 4, s);
                if (cache_type_none(&p->cache[s]))
                    break;
            }
            break;
        case 7:
            p->feat[0] = ask(source, ctx, 7, 0);
            p->feat[0].a = MIN(p->feat[0].a, CPU_POLICY_NR_FEAT - 1);
            for (uint32_t s = 1; s <= p->feat[0].a; s++)
                p->feat[s] = ask(source, ctx, 7, s);
            break;
        case 0xb:
            for (uint32_t s = 0; s < CPU_POLICY_NR_TOPO; s++) {
                p->topo[s] = ask(source, ctx, 0xb, s);
                if (topo_type_none(&p->topo[s]))
                    break;
            }
            break;
        case 0xd:
            p->xstate[0] = ask(source, ctx, 0xd, 0);
            p->xstate[1] = ask(source, ctx, 0xd, 1);
            for (uint32_t s = 2; s < CPU_POLICY_NR_XSTATE; s++)
                if (policy_xstates(p) & (1ULL << s))
                    p->xstate[s] = ask(source, ctx, 0xd, s);
            break;
        default:
            p->basic[leaf] = ask(source, ctx, leaf, 0);
            break;
        }
    }
}

void cpu_policy_collect(struct cpu_policy *p, cpuid_source source, void *ctx)
{
    memset(p, 0, sizeof(*p));
    collect_basic(p, source, ctx);
    p->extd[0] = ask(source, ctx, EXTD_BASE, 0);
    if ((p->extd[0].a & 0xffff0000u) != EXTD_BASE) {
        p->extd[0].a = EXTD_BASE;       /* no extended leaves at all */
        return;
    }
    p->extd[0].a = EXTD_BASE | extd_max(p);
    for (uint32_t i = 1; i <= extd_max(p); i++)
        p->extd[i] = ask(source, ctx, EXTD_BASE | i, 0);
}

struct leaf_writer {
    xen_cpuid_leaf_t *out;
    uint32_t room, n;
};

static int put_leaf(struct leaf_writer *w, uint32_t leaf, uint32_t subleaf,
                    const struct cpuid_regs *r)
{
    if (w->n == w->room)
        return -XEN_ENOBUFS;
    w->out[w->n++] = (xen_cpuid_leaf_t){ leaf, subleaf, r->a, r->b, r->c, r->d };
    return 0;
}

static int put_basic(const struct cpu_policy *p, struct leaf_writer *w)
{
    int rc = 0;

    for (uint32_t leaf = 0; leaf <= basic_max(p) && !rc; leaf++) {
        switch (leaf) {
        case 4:
            for (uint32_t s = 0; s < CPU_POLICY_NR_CACHE && !rc; s++) {
                rc = put_leaf(w, 4, s, &p->cache[s]);
                if (cache_type_none(&p->cache[s]))
                    break;
            }
            break;
        case 7:
            for (uint32_t s = 0; s <= MIN(p->feat[0].a, CPU_POLICY_NR_FEAT - 1) && !rc; s++)
                rc = put_leaf(w, 7, s, &p->feat[s]);
            break;
        case 0xb:
            for (uint32_t s = 0; s < CPU_POLICY_NR_TOPO && !rc; s++) {
                rc = put_leaf(w, 0xb, s, &p->topo[s]);
                if (topo_type_none(&p->topo[s]))
                    break;
            }
            break;
        case 0xd: {
            uint64_t xstates = policy_xstates(p) >> 2;

            rc = put_leaf(w, 0xd, 0, &p->xstate[0]);
            if (!rc)
                rc = put_leaf(w, 0xd, 1, &p->xstate[1]);
            /* Every subleaf up to the highest component, as Xen lists them. */
            for (uint32_t s = 2; xstates && s < CPU_POLICY_NR_XSTATE && !rc; s++, xstates >>= 1)
                rc = put_leaf(w, 0xd, s, &p->xstate[s]);
            break;
        }
        default:
            rc = put_leaf(w, leaf, XEN_CPUID_NO_SUBLEAF, &p->basic[leaf]);
            break;
        }
    }
    return rc;
}

int cpu_policy_to_leaves(const struct cpu_policy *p, xen_cpuid_leaf_t *out,
                         uint32_t room, uint32_t *written)
{
    struct leaf_writer w = { out, room, 0 };
    struct cpuid_regs hv = { p->hv_limit, 0, 0, 0 }, hv2 = { p->hv2_limit, 0, 0, 0 };
    int rc = put_basic(p, &w);

    if (!rc)
        rc = put_leaf(&w, HV_LEAF, XEN_CPUID_NO_SUBLEAF, &hv);
    if (!rc)
        rc = put_leaf(&w, HV2_LEAF, XEN_CPUID_NO_SUBLEAF, &hv2);
    for (uint32_t i = 0; i <= extd_max(p) && !rc; i++)
        rc = put_leaf(&w, EXTD_BASE | i, XEN_CPUID_NO_SUBLEAF, &p->extd[i]);
    *written = w.n;
    return rc;
}

int cpu_policy_to_msrs(const struct cpu_policy *p, xen_msr_entry_t *out,
                       uint32_t room, uint32_t *written)
{
    const xen_msr_entry_t all[CPU_POLICY_MAX_MSRS] = {
        { CPU_POLICY_MSR_PLATFORM_INFO, 0, p->platform_info },
        { CPU_POLICY_MSR_ARCH_CAPS, 0, p->arch_caps },
    };
    uint32_t n = MIN(room, (uint32_t)CPU_POLICY_MAX_MSRS);

    memcpy(out, all, n * sizeof(all[0]));
    *written = n;
    return n < CPU_POLICY_MAX_MSRS ? -XEN_ENOBUFS : 0;
}

/* The policy's slot for (leaf, subleaf), or NULL where no policy has one. */
static struct cpuid_regs *slot(struct cpu_policy *p, uint32_t leaf, uint32_t subleaf)
{
    if (leaf < CPU_POLICY_NR_BASIC) {
        switch (leaf) {
        case 4:
            return subleaf < CPU_POLICY_NR_CACHE ? &p->cache[subleaf] : NULL;
        case 7:
            return subleaf < CPU_POLICY_NR_FEAT ? &p->feat[subleaf] : NULL;
        case 0xb:
            return subleaf < CPU_POLICY_NR_TOPO ? &p->topo[subleaf] : NULL;
        case 0xd:
            return subleaf < CPU_POLICY_NR_XSTATE ? &p->xstate[subleaf] : NULL;
        default:
            return subleaf == XEN_CPUID_NO_SUBLEAF ? &p->basic[leaf] : NULL;
        }
    }
    if (leaf >= EXTD_BASE && leaf - EXTD_BASE < CPU_POLICY_NR_EXTD)
        return subleaf == XEN_CPUID_NO_SUBLEAF ? &p->extd[leaf - EXTD_BASE] : NULL;
    return NULL;
}

int cpu_policy_from_leaves(struct cpu_policy *p, const xen_cpuid_leaf_t *in, uint32_t nr,
                           struct cpu_policy_error *err)
{
    for (uint32_t i = 0; i < nr; i++) {
        const xen_cpuid_leaf_t *l = &in[i];
        struct cpuid_regs *r;

        if ((l->leaf == HV_LEAF || l->leaf == HV2_LEAF) && l->subleaf == XEN_CPUID_NO_SUBLEAF) {
            *(l->leaf == HV_LEAF ? &p->hv_limit : &p->hv2_limit) = l->a;
            continue;
        }
        if (!(r = slot(p, l->leaf, l->subleaf))) {
            err->leaf = l->leaf;
            err->subleaf = l->subleaf;
            return -XEN_ERANGE;
        }
        *r = (struct cpuid_regs){ l->a, l->b, l->c, l->d };
    }
    return 0;
}

int cpu_policy_from_msrs(struct cpu_policy *p, const xen_msr_entry_t *in, uint32_t nr,
                         struct cpu_policy_error *err)
{
    for (uint32_t i = 0; i < nr; i++) {
        const xen_msr_entry_t *m = &in[i];
        int rc = 0;

        if (m->flags)
            rc = -XEN_EINVAL;
        else if (m->idx == CPU_POLICY_MSR_PLATFORM_INFO)
            /* Xen keeps PLATFORM_INFO in 32 bits: a wider value is refused. */
            rc = m->val >> 32 ? -XEN_EOVERFLOW : (p->platform_info = m->val, 0);
        else if (m->idx == CPU_POLICY_MSR_ARCH_CAPS)
            p->arch_caps = m->val;
        else
            rc = -XEN_ERANGE;
        if (rc) {
            err->msr = m->idx;
            return rc;
        }
    }
    return 0;
}

static void zero_from(struct cpuid_regs *r, uint64_t first, uint32_t count)
{
    for (uint64_t i = first; i < count; i++)
        r[i] = (struct cpuid_regs){ 0, 0, 0, 0 };
}

void cpu_policy_clear_out_of_range(struct cpu_policy *p)
{
    uint32_t max = p->basic[0].a, i;
    uint64_t xstates = policy_xstates(p);

    zero_from(p->basic, (uint64_t)max + 1, CPU_POLICY_NR_BASIC);
    for (i = 0; max >= 4 && i < CPU_POLICY_NR_CACHE && !cache_type_none(&p->cache[i]); i++)
        ;
    zero_from(p->cache, i, CPU_POLICY_NR_CACHE);
    zero_from(p->feat, max >= 7 ? (uint64_t)p->feat[0].a + 1 : 0, CPU_POLICY_NR_FEAT);
    for (i = 0; max >= 0xb && i < CPU_POLICY_NR_TOPO && !topo_type_none(&p->topo[i]); i++)
        ;
    zero_from(p->topo, i, CPU_POLICY_NR_TOPO);
    if (max < 0xd || !xstates)
        zero_from(p->xstate, 0, CPU_POLICY_NR_XSTATE);
    else
        zero_from(p->xstate, MAX(2, 64 - __builtin_clzll(xstates)), CPU_POLICY_NR_XSTATE);
    zero_from(p->extd, (uint64_t)(p->extd[0].a & 0xffff) + 1, CPU_POLICY_NR_EXTD);
}

int cpu_policy_check_compatible(const struct cpu_policy *max, const struct cpu_policy *p,
                                struct cpu_policy_error *err)
{
    if (p->basic[0].a > max->basic[0].a) {
        err->leaf = 0;
        err->subleaf = XEN_CPUID_NO_SUBLEAF;
    } else if (p->feat[0].a > max->feat[0].a) {
        err->leaf = 7;
        err->subleaf = 0;
    } else if (p->extd[0].a > max->extd[0].a) {
        err->leaf = EXTD_BASE;
        err->subleaf = XEN_CPUID_NO_SUBLEAF;
    } else if (p->platform_info & ~max->platform_info) {
        err->msr = CPU_POLICY_MSR_PLATFORM_INFO;
    } else {
        return 0;
    }
    return -XEN_EINVAL;
}

/* The policy's copy of feature-set word w (Xen's FEATURESET_* order). */
static uint32_t *feature_word(struct cpu_policy *p, unsigned w)
{
    static const struct { uint8_t kind, index, reg; } map[CPU_FEATURESET_WORDS] = {
        /* kind: 0 basic, 1 extd, 2 leaf 7, 3 leaf 0xd, 4 ARCH_CAPS; reg: 0..3 = a..d */
        { 0, 1, 3 }, { 0, 1, 2 }, { 1, 1, 3 }, { 1, 1, 2 }, { 3, 1, 0 }, { 2, 0, 1 },
        { 2, 0, 2 }, { 1, 7, 3 }, { 1, 8, 1 }, { 2, 0, 3 }, { 2, 1, 0 }, { 1, 0x21, 0 },
        { 2, 1, 1 }, { 2, 2, 3 }, { 2, 1, 2 }, { 2, 1, 3 }, { 4, 0, 0 }, { 4, 1, 0 },
        { 1, 0x21, 2 },
    };
    struct cpuid_regs *r;

    switch (map[w].kind) {
    case 0: r = &p->basic[map[w].index]; break;
    case 1: r = &p->extd[map[w].index]; break;
    case 2: r = &p->feat[map[w].index]; break;
    case 3: r = &p->xstate[map[w].index]; break;
    default: return (uint32_t *)&p->arch_caps + map[w].index;   /* low, high halves */
    }
    return &(&r->a)[map[w].reg];
}

void cpu_policy_clamp_features(struct cpu_policy *p, const struct cpu_policy *max)
{
    for (unsigned w = 0; w < CPU_FEATURESET_WORDS; w++)
        *feature_word(p, w) &= *feature_word((struct cpu_policy *)max, w);
}

void cpu_policy_featureset(const struct cpu_policy *p, uint32_t fs[CPU_FEATURESET_WORDS])
{
    for (unsigned w = 0; w < CPU_FEATURESET_WORDS; w++)
        fs[w] = *feature_word((struct cpu_policy *)p, w);
}

/* The policy's answer for (leaf, subleaf): zeros outside what it offers. */
static struct cpuid_regs policy_leaf(const struct cpu_policy *p, uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs none = { 0, 0, 0, 0 };

    if (leaf < EXTD_BASE) {
        if (leaf > basic_max(p))
            return none;
        switch (leaf) {
        case 4:
            return subleaf < CPU_POLICY_NR_CACHE ? p->cache[subleaf] : none;
        case 7:
            return subleaf <= MIN(p->feat[0].a, CPU_POLICY_NR_FEAT - 1) ? p->feat[subleaf] : none;
        case 0xb:
            return subleaf < CPU_POLICY_NR_TOPO ? p->topo[subleaf] : none;
        case 0xd:
            return subleaf < CPU_POLICY_NR_XSTATE ? p->xstate[subleaf] : none;
        default:
            return p->basic[leaf];
        }
    }
    if (leaf - EXTD_BASE > extd_max(p) || leaf - EXTD_BASE > (p->extd[0].a & 0xffff) ||
        (p->extd[0].a & 0xffff0000u) != EXTD_BASE)
        return none;
    return p->extd[leaf - EXTD_BASE];
}

void cpu_policy_guest_view(const struct cpu_policy *p, uint32_t leaf, uint32_t subleaf,
                           const uint32_t live[4], uint32_t out[4])
{
    struct cpuid_regs r;
    bool xsave = p->basic[1].c & LEAF1_ECX_XSAVE;

    /* The hypervisor leaves are Lintel's own, whatever the toolstack said. */
    if (leaf >= HV_LEAF && leaf < HV_LEAF + 0x10000000u) {
        memcpy(out, live, 4 * sizeof(out[0]));
        return;
    }
    r = policy_leaf(p, leaf, subleaf);
    switch (leaf) {
    case 1:
        r.b = live[1];      /* APIC ID, CLFLUSH size, logical CPU count */
        r.c = (r.c & ~LEAF1_ECX_OSXSAVE) | (xsave ? live[2] & LEAF1_ECX_OSXSAVE : 0);
        break;
    case 0xb:
        r.d = live[3];      /* x2APIC ID */
        break;
    case 0xd:
        /* Area sizes follow the vCPU's XCR0 (and XSS). */
        if (!xsave)
            r = (struct cpuid_regs){ 0, 0, 0, 0 };
        else if (subleaf <= 1)
            r.b = live[1];
        break;
    default:
        break;
    }
    out[0] = r.a;
    out[1] = r.b;
    out[2] = r.c;
    out[3] = r.d;
}
