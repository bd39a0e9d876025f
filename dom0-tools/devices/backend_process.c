/* Backend daemons started by the toolstack; see backend_process.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend_process.h"
#include "xenstore.h"

static void log_path(char *out, size_t len, const char *log_name, uint32_t domid,
                     uint32_t devid)
{
    snprintf(out, len, "%s/%s-%u.%u.log", BACKEND_LOG_DIR, log_name, domid, devid);
}

/* In the grandchild: stdio to the log, then the daemon itself. Never returns. */
static void exec_daemon(const char *program, const char *log, uint32_t domid, uint32_t devid)
{
    char dom[16], dev[16];
    int null_fd = open("/dev/null", O_RDONLY);
    int log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

    if (null_fd >= 0)
        dup2(null_fd, STDIN_FILENO);
    if (log_fd >= 0) {
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
    }
    snprintf(dom, sizeof(dom), "%u", domid);
    snprintf(dev, sizeof(dev), "%u", devid);
    execl(program, program, dom, dev, (char *)NULL);
    fprintf(stderr, "cannot run %s: %s\n", program, strerror(errno));
    _exit(127);
}

int backend_process_start(const char *program, const char *log_name, uint32_t domid,
                          uint32_t devid, char *why, size_t why_len)
{
    char log[256];
    pid_t child;
    int status;

    if (access(program, X_OK) < 0) {
        snprintf(why, why_len, "backend program %s: %s", program, strerror(errno));
        return -1;
    }
    mkdir(BACKEND_LOG_DIR, 0755);
    log_path(log, sizeof(log), log_name, domid, devid);
    child = fork();
    if (child < 0) {
        snprintf(why, why_len, "fork: %s", strerror(errno));
        return -1;
    }
    if (child == 0) {
        /* The middle process exits at once, so the daemon belongs to init, not to us. */
        setsid();
        if (fork() == 0)
            exec_daemon(program, log, domid, devid);
        _exit(0);
    }
    waitpid(child, &status, 0);
    return 0;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

static char *read_key(struct xs_handle *xs, const char *dir, const char *key)
{
    char path[256];
    unsigned len;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_read(xs, XBT_NULL, path, &len);
}

int backend_process_wait_ready(struct xs_handle *xs, const char *backend_path,
                               const char *log_name, uint32_t domid, uint32_t devid,
                               unsigned timeout_ms, char *why, size_t why_len)
{
    char log[256];

    for (unsigned waited = 0; waited <= timeout_ms; waited += 50) {
        char *state = read_key(xs, backend_path, "state");
        char *error = read_key(xs, backend_path, "hotplug-error");
        int s = state ? atoi(state) : 0;

        free(state);
        if (error) {
            snprintf(why, why_len, "the backend failed: %s", error);
            free(error);
            return -1;
        }
        /* InitWait (2) up to Connected (4): set up and serving or about to. */
        if (s >= 2 && s <= 4)
            return 0;
        sleep_ms(50);
    }
    log_path(log, sizeof(log), log_name, domid, devid);
    snprintf(why, why_len, "the backend did not come up within %u ms (see %s)", timeout_ms,
             log);
    return -1;
}

int backend_process_wait_key(struct xs_handle *xs, const char *path, const char *value,
                             unsigned timeout_ms)
{
    for (unsigned waited = 0; waited <= timeout_ms; waited += 50) {
        unsigned len;
        char *now = xs_read(xs, XBT_NULL, path, &len);
        bool done = !now || strcmp(now, value) == 0;

        free(now);
        if (done)
            return 0;
        sleep_ms(50);
    }
    return -1;
}
