# Lintel top-level build.
#
# Every component directory with a Makefile is built with
#   $(MAKE) -C <dir> BUILD=<absolute build dir> all|check
# so each component owns its own rules and the list below is the only thing
# shared. Outputs land under build/; dom0 programs are staged into
# build/dom0-rootfs/ and packed by the dom0 image builder.

BUILD      := $(CURDIR)/build
PYTHON     := /usr/bin/python3
HV         ?= lintel
SMP        ?= 1
MEM        ?= 2048
export BUILD

COMPONENTS := tests/abi hypervisor xenstore dom0-tools dom0-tools/top pv-drivers tests/kernels
PRESENT    := $(foreach c,$(COMPONENTS),$(if $(wildcard $(c)/Makefile),$(c)))

.PHONY: all setup artifacts components image check test run bench soak clean distclean

all: components image

# Installs missing Debian packages and fetches the stock kernel and Xen 4.17
# into build/cache. Idempotent: a stamp records the package list it satisfied.
setup: $(BUILD)/.setup-done
$(BUILD)/.setup-done: tests/setup/packages.txt tests/setup/ensure-packages.sh
	@bash tests/setup/ensure-packages.sh tests/setup/packages.txt
	@mkdir -p $(BUILD) && touch $@

artifacts: setup
	@bash tests/setup/fetch-debian-artifacts.sh $(BUILD)/cache

# Components use the fetched kernel (the toolstack stages it as the example
# guest's kernel; tests read it), so fetch first.
components: artifacts
	@set -e; for c in $(PRESENT); do $(MAKE) --no-print-directory -C $$c BUILD=$(BUILD) all; done

image: components artifacts
	@bash dom0-tools/image/build-dom0-image.sh $(BUILD)
	@bash dom0-tools/image/build-dom0-image.sh $(BUILD) --xen-tools

# Host unit tests only (cmocka), one binary per area.
check: components
	@set -e; for c in $(PRESENT); do $(MAKE) --no-print-directory -C $$c BUILD=$(BUILD) check; done

# Everything: unit tests, then the pytest suites (host protocol tests and the
# QEMU integration tests on Xen 4.17 and Lintel).
# Two workers by default: each QEMU runs one TCG thread, so the suite's boots
# fill both cores of the reference machine; a test file stays on one worker so
# its module-scoped machine is booted once. --durations keeps the slowest tests
# in CI's log, where the 30-minute budget is watched.
PYTEST_JOBS ?= 2
PYTEST_FLAGS = -ra --durations=30 $(if $(filter-out 1,$(PYTEST_JOBS)),-n $(PYTEST_JOBS) --dist loadfile)
test: all check
	@mkdir -p $(BUILD)/test-logs
	$(PYTHON) -m pytest $(PYTEST_FLAGS) tests/

run: all
	@$(PYTHON) tests/harness/run.py --hv $(HV) --smp $(SMP) --mem $(MEM) $(RUN_ARGS)

bench: all
	@$(PYTHON) tests/bench/run.py --out $(BUILD)/bench/results.json $(BENCH_ARGS)

soak: all
	@$(PYTHON) -m pytest -ra -m soak --run-soak tests/

# Keeps the downloaded Debian packages (build/cache); distclean drops them too.
clean:
	@if [ -d $(BUILD) ]; then find $(BUILD) -mindepth 1 -maxdepth 1 ! -name cache ! -name .setup-done -exec rm -rf {} +; fi

distclean:
	rm -rf $(BUILD)
