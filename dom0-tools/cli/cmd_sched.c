/* sched-credit: show or set the credit scheduler's weight and cap. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_args.h"
#include "commands.h"
#include "domain_lookup.h"

struct credit_request {
    const char *domain;
    bool set_weight, set_cap;
    uint64_t weight, cap;
};

static int show_one(const struct command *cmd, struct xenctl *ctl, uint32_t domid)
{
    struct xen_domctl_sched_credit params;
    const char *name = domain_name_of(domid);
    int rc = xenctl_sched_credit_get(ctl, domid, &params);

    if (rc < 0)
        return hypervisor_fail(cmd, "XEN_DOMCTL_scheduler_op getinfo", rc);
    printf("%-32s %5u %6u %4u\n", name ? name : "-", domid, params.weight, params.cap);
    return EXIT_OK;
}

static int apply(const struct command *cmd, struct xenctl *ctl, uint32_t domid,
                 const struct credit_request *req)
{
    struct xen_domctl_getdomaininfo dom;
    struct xen_domctl_sched_credit params;
    int rc = xenctl_sched_credit_get(ctl, domid, &params);

    if (rc < 0)
        return hypervisor_fail(cmd, "XEN_DOMCTL_scheduler_op getinfo", rc);
    if ((rc = xenctl_domain_getinfo(ctl, domid, &dom)) < 0)
        return hypervisor_fail(cmd, "XEN_DOMCTL_getdomaininfo", rc);
    /* The credit scheduler caps at 100% per vCPU the domain can have. */
    if (req->set_cap && req->cap > 100ULL * (dom.max_vcpu_id + 1ULL))
        return command_usage_error(cmd, "invalid cap %llu: at most %u%% for %u vCPUs",
                                   (unsigned long long)req->cap,
                                   100 * (dom.max_vcpu_id + 1), dom.max_vcpu_id + 1);
    if (req->set_weight)
        params.weight = (uint16_t)req->weight;
    if (req->set_cap)
        params.cap = (uint16_t)req->cap;
    rc = xenctl_sched_credit_set(ctl, domid, &params);
    return rc < 0 ? hypervisor_fail(cmd, "XEN_DOMCTL_scheduler_op putinfo", rc) : EXIT_OK;
}

static int parse_request(const struct command *cmd, int argc, char **argv,
                         struct credit_request *req)
{
    char why[256];
    int opt;

    memset(req, 0, sizeof(*req));
    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "d:w:c:", NULL)) != -1) {
        if (opt == 'd') {
            req->domain = optarg;
        } else if (opt == 'w') {
            req->set_weight = true;
            if (cli_parse_number("weight", optarg, 1, 65535, &req->weight, why,
                                 sizeof(why)) < 0)
                return command_usage_error(cmd, "%s", why);
        } else if (opt == 'c') {
            req->set_cap = true;
            if (cli_parse_number("cap", optarg, 0, 65535, &req->cap, why, sizeof(why)) < 0)
                return command_usage_error(cmd, "%s", why);
        } else {
            return EXIT_USAGE;
        }
    }
    if (argc > optind)
        return command_usage_error(cmd, "too many arguments");
    if ((req->set_weight || req->set_cap) && !req->domain)
        return command_usage_error(cmd, "-w and -c need -d DOMAIN");
    return EXIT_OK;
}

static int check_scheduler(const struct command *cmd, struct xenctl *ctl)
{
    uint32_t sched;
    int rc = xenctl_sched_id(ctl, &sched);

    if (rc < 0)
        return hypervisor_fail(cmd, "XEN_SYSCTL_sched_id", rc);
    if (sched != XEN_SCHEDULER_CREDIT)
        return command_fail(cmd, "the host does not run the credit scheduler "
                            "(scheduler id %u; see `lintel info`)", sched);
    return EXIT_OK;
}

int cmd_sched_credit(const struct command *cmd, int argc, char **argv)
{
    struct xen_domctl_getdomaininfo doms[64];
    struct credit_request req;
    struct xenctl ctl;
    uint32_t domid = 0;
    int rc = parse_request(cmd, argc, argv, &req), n;

    if (rc != EXIT_OK)
        return rc;
    if ((rc = hypervisor_open(cmd, &ctl)) != EXIT_OK)
        return rc;
    if ((rc = check_scheduler(cmd, &ctl)) != EXIT_OK)
        goto out;
    if (req.domain) {
        if ((rc = domain_lookup(cmd, &ctl, req.domain, &domid)) != EXIT_OK)
            goto out;
        if (req.set_weight || req.set_cap) {
            rc = apply(cmd, &ctl, domid, &req);
            goto out;
        }
    }
    printf("%-32s %5s %6s %4s\n", "Name", "ID", "Weight", "Cap");
    if (req.domain) {
        rc = show_one(cmd, &ctl, domid);
        goto out;
    }
    if ((n = xenctl_domain_list(&ctl, 0, doms, 64)) < 0) {
        rc = hypervisor_fail(cmd, "XEN_SYSCTL_getdomaininfolist", n);
        goto out;
    }
    for (int i = 0; i < n && rc == EXIT_OK; i++)
        rc = show_one(cmd, &ctl, doms[i].domain);
out:
    xenctl_close(&ctl);
    return rc;
}
