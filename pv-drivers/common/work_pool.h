/*
 * A few threads that run a backend's slow work (disk I/O, grant copies)
 * while the poll loop keeps reading the ring. The loop submits job numbers
 * (indexes into the driver's own table of jobs); the threads run them in any
 * order and hand them back through a completion list whose eventfd polls
 * readable, so completions are handled in the loop's own thread, where the
 * driver's state lives, and need no locks there.
 */
#ifndef LINTEL_WORK_POOL_H
#define LINTEL_WORK_POOL_H

#include <pthread.h>
#include <stdbool.h>

#define WORK_POOL_MAX_THREADS 16u
#define WORK_POOL_MAX_JOBS 64u

struct work_pool {
    pthread_t threads[WORK_POOL_MAX_THREADS];
    unsigned int nthreads;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    /* Submitted, not yet picked up: a ring of job numbers. */
    unsigned int queue[WORK_POOL_MAX_JOBS];
    unsigned int queue_head, queue_count;
    /* Run, not yet taken back by the loop. */
    unsigned int done[WORK_POOL_MAX_JOBS];
    unsigned int done_count;
    int event_fd;            /* readable while done_count > 0 */
    bool stopping;
    void (*run)(void *ctx, unsigned int job);
    void *ctx;
};

/*
 * Starts NTHREADS threads that call RUN(CTX, job) for each submitted job.
 * Job numbers must be below WORK_POOL_MAX_JOBS. 0, or -errno with nothing
 * left running.
 */
int work_pool_start(struct work_pool *pool, unsigned int nthreads,
                    void (*run)(void *ctx, unsigned int job), void *ctx);
/* Stops and joins the threads once the queued jobs have run. */
void work_pool_stop(struct work_pool *pool);

/* The fd a poll loop watches for completions. */
static inline int work_pool_fd(const struct work_pool *pool)
{
    return pool->event_fd;
}

/* Queues JOB (a job number not already queued or running). */
void work_pool_submit(struct work_pool *pool, unsigned int job);

/*
 * Moves up to MAX finished job numbers into JOBS, in the order they
 * finished; returns how many. With WAIT, blocks until there is at least one
 * (the caller must know that a job is outstanding).
 */
unsigned int work_pool_take_done(struct work_pool *pool, unsigned int *jobs, unsigned int max,
                                 bool wait);

#endif
