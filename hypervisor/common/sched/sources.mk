# Scheduling and guest time (pv-events): pure credit policy, pvclock, run states.
PURE_SRCS += common/sched/credit.c common/sched/pvclock.c common/sched/runstate.c
HV_SRCS += common/sched/credit.c common/sched/pvclock.c common/sched/runstate.c
