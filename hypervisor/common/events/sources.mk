# Event channels (pv-events): pure port bookkeeping and the 2-level bit protocol.
PURE_SRCS += common/events/evtchn_table.c common/events/event_2l.c common/events/event_fifo.c
HV_SRCS += common/events/evtchn_table.c common/events/event_2l.c common/events/event_fifo.c
HV_SRCS += common/events/event_channel.c common/events/event_2l_ops.c \
	common/events/event_fifo_ops.c
