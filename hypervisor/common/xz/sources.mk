# Single-call .xz decoder (LZMA2 + x86 BCJ) for bzImage kernel payloads.
# Pure logic: also in the host unit tests (tests/test_xz.c).
XZ_SRCS := common/xz/xz_stream.c common/xz/lzma2_decoder.c \
	common/xz/lzma_decoder.c common/xz/bcj_x86.c common/xz/crc.c
PURE_SRCS += $(XZ_SRCS)
HV_SRCS += $(XZ_SRCS)
