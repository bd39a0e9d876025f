/* Run-state accounting (see runstate.h). */
#include <lintel/runstate.h>

void runstate_init(struct vcpu_runstate_info *r, int state, uint64_t now)
{
    *r = (struct vcpu_runstate_info){ .state = state, .state_entry_time = now };
}

static uint64_t elapsed(const struct vcpu_runstate_info *r, uint64_t now)
{
    return now > r->state_entry_time ? now - r->state_entry_time : 0;
}

void runstate_change(struct vcpu_runstate_info *r, int new_state, uint64_t now)
{
    r->time[r->state] += elapsed(r, now);
    if (now > r->state_entry_time)
        r->state_entry_time = now;
    r->state = new_state;
}

void runstate_snapshot(const struct vcpu_runstate_info *r, uint64_t now,
                       struct vcpu_runstate_info *out)
{
    *out = *r;
    out->time[r->state] += elapsed(r, now);
}
