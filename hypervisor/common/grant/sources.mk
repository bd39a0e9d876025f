# Grant tables (issue 7, helper "grants"): pure entry protocol and maptrack
# allocator (host-tested in tests/test_grant.c), ring-0 tables, map and copy.
PURE_SRCS += common/grant/grant_entry.c common/grant/maptrack.c
HV_SRCS += common/grant/grant_entry.c common/grant/maptrack.c \
	common/grant/grant_table.c common/grant/grant_map.c common/grant/grant_copy.c
