# Compiler settings shared by pv-drivers/*/Makefile.
REPO    := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
ROOTFS   = $(BUILD)/dom0-rootfs
CC      := gcc
CFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 \
           -Wmissing-prototypes -Wstrict-prototypes -fno-strict-aliasing -D_GNU_SOURCE \
           -I$(REPO)/pv-drivers/common -I$(REPO)/include -I$(REPO)/xenstore/include -MMD -MP
TEST_CFLAGS := $(filter-out -Wmissing-prototypes -MMD -MP,$(CFLAGS)) -I$(CURDIR)
COMMON_LIB   = $(BUILD)/pv-drivers/common/libbackend.a
# The store client, linked statically so the dom0 image needs no extra library.
STORE_LIB    = $(BUILD)/xenstore/lib/liblintelstore.a
