#include "work_pool.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void *worker(void *arg)
{
    struct work_pool *pool = arg;

    pthread_mutex_lock(&pool->lock);
    for (;;) {
        unsigned int job;

        while (!pool->queue_count && !pool->stopping)
            pthread_cond_wait(&pool->wake, &pool->lock);
        if (!pool->queue_count)
            break;
        job = pool->queue[pool->queue_head];
        pool->queue_head = (pool->queue_head + 1) % WORK_POOL_MAX_JOBS;
        pool->queue_count--;
        pthread_mutex_unlock(&pool->lock);

        pool->run(pool->ctx, job);

        pthread_mutex_lock(&pool->lock);
        pool->done[pool->done_count++] = job;
        /* One eventfd count per completion; take_done reads them all at once. */
        eventfd_write(pool->event_fd, 1);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

int work_pool_start(struct work_pool *pool, unsigned int nthreads,
                    void (*run)(void *ctx, unsigned int job), void *ctx)
{
    int rc;

    memset(pool, 0, sizeof(*pool));
    if (nthreads == 0 || nthreads > WORK_POOL_MAX_THREADS)
        return -EINVAL;
    pool->run = run;
    pool->ctx = ctx;
    pool->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (pool->event_fd < 0)
        return -errno;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    for (unsigned int i = 0; i < nthreads; i++) {
        if ((rc = pthread_create(&pool->threads[i], NULL, worker, pool)) != 0) {
            work_pool_stop(pool);
            return -rc;
        }
        pool->nthreads++;
    }
    return 0;
}

void work_pool_stop(struct work_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned int i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    pool->nthreads = 0;
    if (pool->event_fd >= 0)
        close(pool->event_fd);
    pool->event_fd = -1;
}

void work_pool_submit(struct work_pool *pool, unsigned int job)
{
    pthread_mutex_lock(&pool->lock);
    pool->queue[(pool->queue_head + pool->queue_count) % WORK_POOL_MAX_JOBS] = job;
    pool->queue_count++;
    pthread_cond_signal(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
}

unsigned int work_pool_take_done(struct work_pool *pool, unsigned int *jobs, unsigned int max,
                                 bool wait)
{
    struct pollfd p = { .fd = pool->event_fd, .events = POLLIN };
    unsigned int n;
    eventfd_t ignored;

    for (;;) {
        pthread_mutex_lock(&pool->lock);
        n = pool->done_count < max ? pool->done_count : max;
        memcpy(jobs, pool->done, n * sizeof(*jobs));
        memmove(pool->done, pool->done + n, (pool->done_count - n) * sizeof(*jobs));
        pool->done_count -= n;
        /* Reset under the lock: a completion after this writes the fd again. */
        if (pool->done_count == 0)
            eventfd_read(pool->event_fd, &ignored);
        pthread_mutex_unlock(&pool->lock);
        if (n || !wait)
            return n;
        poll(&p, 1, -1);
    }
}
