# Scheduling and guest time (pv-events): pure credit policy, pvclock, run states.
PURE_SRCS += common/sched/credit.c common/sched/pvclock.c common/sched/runstate.c
HV_SRCS += common/sched/credit.c common/sched/pvclock.c common/sched/runstate.c
HV_SRCS += common/sched/sched_core.c common/sched/vcpu_time.c common/sched/sched_op.c \
	common/sched/guest_write.c common/sched/sched_ctl.c
