/*
 * A domain's supervisor: a small process forked by `lintel create` that
 * follows the domain until it is gone and carries out the config's
 * on_poweroff, on_reboot and on_crash when the guest shuts down. It polls
 * the hypervisor: VIRQ_DOM_EXC has a single binder in dom0, the store.
 * What it does is logged to /var/log/lintel/NAME.log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "domain_config.h"
#include "domain_lookup.h"
#include "domain_store.h"

#define LOG_DIR       "/var/log/lintel"
#define POLL_SECONDS  1
#define GONE_WAIT     60    /* seconds for a destroyed domain to disappear */

static void logf_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void logf_line(const char *fmt, ...)
{
    va_list ap;
    char stamp[32];
    time_t now = time(NULL);

    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&now));
    fprintf(stderr, "%s ", stamp);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Destroys DOMID and waits until the hypervisor has let it go. */
static void destroy_and_wait(struct xenctl *ctl, uint32_t domid)
{
    struct xen_domctl_getdomaininfo info;

    xenctl_domain_destroy(ctl, domid);
    store_forget_domain(store_handle(), domid);
    for (int i = 0; i < GONE_WAIT && xenctl_domain_getinfo(ctl, domid, &info) == 0; i++)
        sleep(1);
}

/* Keeps the shut-down domain under a new name so the config's name is free. */
static void rename_aside(uint32_t domid, const char *name)
{
    char aside[96];

    snprintf(aside, sizeof(aside), "%s--%u", name, domid);
    store_write_domain_key(store_handle(), domid, "name", aside);
}

/* Returns the domain to follow next, or 0 when there is none. */
static uint32_t handle_shutdown(const struct command *cmd, struct xenctl *ctl,
                                const struct domain_config *cfg, uint32_t domid,
                                unsigned reason)
{
    enum domain_action action = domain_action_for_shutdown(cfg, reason);
    uint32_t next = 0;

    logf_line("domain %u (%s) shut down (reason %u): %s", domid, cfg->name, reason,
              domain_action_name(action));
    switch (action) {
    case ACTION_PRESERVE:
        return 0;
    case ACTION_DESTROY:
        destroy_and_wait(ctl, domid);
        return 0;
    case ACTION_RENAME_RESTART:
        rename_aside(domid, cfg->name);
        break;
    case ACTION_RESTART:
        destroy_and_wait(ctl, domid);
        break;
    }
    if (domain_start(cmd, ctl, cfg, &next) != EXIT_OK) {
        logf_line("restarting %s failed", cfg->name);
        return 0;
    }
    logf_line("restarted %s as domain %u", cfg->name, next);
    return next;
}

static void supervise(const struct command *cmd, const struct domain_config *cfg,
                      uint32_t domid)
{
    struct xenctl ctl;

    if (hypervisor_open(cmd, &ctl) != EXIT_OK)
        return;
    logf_line("following domain %u (%s)", domid, cfg->name);
    while (domid) {
        struct xen_domctl_getdomaininfo info;
        int rc;

        sleep(POLL_SECONDS);
        rc = xenctl_domain_getinfo(&ctl, domid, &info);
        if (rc == -ESRCH) {
            logf_line("domain %u (%s) is gone", domid, cfg->name);
            break;
        }
        if (rc < 0 || (info.flags & XEN_DOMINF_dying) || !(info.flags & XEN_DOMINF_shutdown))
            continue;
        domid = handle_shutdown(cmd, &ctl, cfg, domid,
                                (info.flags >> XEN_DOMINF_shutdownshift) &
                                XEN_DOMINF_shutdownmask);
    }
    xenctl_close(&ctl);
}

/* The supervisor must not hold the caller's terminal: stdio goes to its log. */
static void detach_to_log(const char *name)
{
    char path[256];
    int fd;

    mkdir("/var/log", 0755);
    mkdir(LOG_DIR, 0755);
    snprintf(path, sizeof(path), LOG_DIR "/%s.log", name);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    dup2(fd >= 0 ? fd : open("/dev/null", O_WRONLY), STDOUT_FILENO);
    dup2(STDOUT_FILENO, STDERR_FILENO);
    dup2(open("/dev/null", O_RDONLY), STDIN_FILENO);
    setvbuf(stderr, NULL, _IOLBF, 0);
    setsid();
}

int supervisor_start(const struct command *cmd, const struct domain_config *cfg,
                     uint32_t domid)
{
    pid_t child = fork();

    if (child < 0)
        return command_fail(cmd, "cannot start domain %u's supervisor: %s", domid,
                            strerror(errno));
    if (child > 0)
        return EXIT_OK;
    /* In the child: a connection of its own to the store, not the parent's. */
    store_close();
    detach_to_log(cfg->name);
    supervise(cmd, cfg, domid);
    _exit(0);
}
