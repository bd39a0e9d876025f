"""Lintel's hypervisor core under QEMU (issue 3): boot to the ready line with
the memory map, time that advances, debug keys, serial input switching,
poweroff and reboot that end QEMU, crash reports, the checks on dom0's kernel
module, and booting from GRUB through multiboot2.

Every run is short: 256 MiB, no dom0 image, and (except for the module
checks) the hypervisor alone with nodom0, so these tests do not depend on
the PV code."""
import os
import re
import shutil
import subprocess
import time

import pytest

from harness import paths
from harness.qemu import Machine

READY = r"Lintel: ready"
NODOM0 = r"Lintel: nodom0 given: running without dom0[^\r\n]*"
# The core's own tests boot the hypervisor alone; the dom0 module checks
# run without nodom0.
CORE_ARGS = "loglvl=all nodom0"
HALTED = r"Lintel: halted \(noreboot given\)"


def lintel(name, hv_args=CORE_ARGS, **kwargs):
    kwargs.setdefault("dom0_image", None)
    kwargs.setdefault("memory_mb", 256)
    return Machine(hv="lintel", name=f"hv-core-{name}", hv_args=hv_args, **kwargs)


class GrubMachine(Machine):
    """Boots an ISO whose GRUB loads Lintel with multiboot2/module2."""

    def __init__(self, iso, **kwargs):
        super().__init__(hv="lintel", **kwargs)
        self.iso = iso

    def qemu_command(self):
        cmd = super().qemu_command()
        i = cmd.index("-kernel")
        return cmd[:i] + ["-cdrom", self.iso, "-boot", "d"] + cmd[i + 6:]

    def files_needed(self):
        return [self.iso]


def booted(name, **kwargs):
    m = lintel(name, **kwargs)
    m.start()
    m.expect(READY, timeout=60)
    m.expect(NODOM0, fatal=False)
    return m


def test_boots_to_ready_with_memory_map_and_modules():
    with lintel("boot") as m:
        m.start()
        m.expect(r"Lintel \d+\.\d+\.\d+ - a thin hypervisor", timeout=30)
        m.expect(r"Boot options: console, loglvl, guest_loglvl, com1, dom0_mem, "
                 r"dom0_max_vcpus, noreboot, hypercall_trace, nodom0")
        m.expect(r"Command line: loglvl=all nodom0\r*\n")
        m.expect(r"Boot loader: qemu \(multiboot1\)")
        m.expect(r"Physical memory map:")
        # QEMU's 256 MiB PC: low RAM, then RAM from 1 MiB to the ACPI area.
        m.expect(r"0000000000000000 - 000000000009fc00 \(RAM\)")
        m.expect(r"0000000000100000 - 000000000ffe0000 \(RAM\)")
        m.expect(r"RAM: 255 MiB")
        m.expect(r"module 0: 0x[0-9a-f]+-0x[0-9a-f]+ \(\d+ KiB\) \"\S*vmlinuz console=hvc0")
        m.expect(r"paging: direct map of 0-0x100000000 at 0xffff830000000000, image mapped "
                 r"RX/R/RW with NX \(writes to code fault: checked\)")
        m.expect(r"traps: exception fixups catch faults in the copy helpers "
                 r"\(self-test passed\)")
        m.expect(r"Lintel footprint: image 0x200000-0x[0-9a-f]+ \(\d+ KiB")
        m.expect(r"time: TSC \d+\.\d+ MHz \(calibrated against the HPET\), "
                 r"wallclock 20\d\d-\d\d-\d\d")
        m.expect(r"APIC: id 0 .* one-shot mode")
        m.expect(READY)
        m.expect(NODOM0, fatal=False)
        assert m.console_text().count("Lintel: ready") == 1


def test_acpi_madt_lists_the_cpus():
    with lintel("smp2", smp=2) as m:
        m.start()
        m.expect(r"ACPI: 2 CPUs in the MADT", timeout=60)
        m.expect(READY)


def time_now_ns(m):
    m.send("t")
    return int(m.expect(r"Time: now=(\d+) ns", timeout=10).group(1))


def test_time_advances_and_timers_are_armed():
    with booted("time") as m:
        first = time_now_ns(m)
        time.sleep(1.0)
        second = time_now_ns(m)
        assert 0.5e9 < second - first < 30e9
        # The serial poll timer is always armed, at most 10 ms ahead.
        m.send("a")
        m.expect(r"Dumping timer queues")
        ahead = int(m.expect(r"deadline=\d+ ns \(in (-?\d+) ns\) fn=poll_serial_input")
                    .group(1))
        assert ahead <= 10_000_000


def test_tsc_calibrates_against_pit_without_hpet():
    with lintel("no-hpet", qemu_extra=["-machine", "pc,hpet=off"]) as m:
        m.start()
        mhz = m.expect(r"time: TSC (\d+)\.\d+ MHz \(calibrated against the PIT\)",
                       timeout=60).group(1)
        assert int(mhz) >= 50
        m.expect(READY)
        m.expect(NODOM0, fatal=False)
        first = time_now_ns(m)
        time.sleep(0.5)
        assert time_now_ns(m) - first > 0.25e9


def test_debug_keys_help_and_dumps():
    with booted("keys") as m:
        m.send("h")
        m.expect(r"'h' pressed -> showing installed debug keys")
        for key, what in [("C", "crash"), ("O", "power"), ("R", "reboot"),
                          ("a", "timer"), ("h", "show this message"), ("i", "interrupt"),
                          ("m", "memory"), ("q", "domain"), ("r", "run queues"),
                          ("t", "time")]:
            m.expect(rf"key '{key}' \(ascii '{ord(key):02x}'\) => [^\r\n]*{what}")
        m.send("m")
        m.expect(r"Memory: \d+ frames tracked \(255 MiB\), \d+ free")
        m.expect(r"Heap: \d+ bytes in use")
        m.send("q")
        m.expect(r"Domain info: no domains exist")
        m.send("r")
        m.expect(r"Run queues: CPU0: running the idle loop")
        m.send("i")
        m.expect(r"interrupt statistics: NMIs 0, spurious \d+, unexpected 0")
        m.send("Z")
        m.expect(r"unknown debug key 'Z'")


def test_ctrl_a_three_times_switches_input_to_dom0_and_back():
    with booted("ctrl-a") as m:
        m.send("\x01\x01\x01")
        m.expect(r"serial input now goes to dom0")
        m.send("t")             # for dom0 now: no debug key may run
        time.sleep(0.5)
        m.send("\x01\x01\x01")
        m.expect(r"serial input now goes to Lintel")
        between = m.console_text().split("goes to dom0")[1].split("goes to Lintel")[0]
        assert "Time:" not in between
        time_now_ns(m)          # and debug keys work again


def test_nmi_is_reported_and_survived():
    with booted("nmi", qmp=True) as m:
        m.qmp.command("inject-nmi")
        m.expect(r"NMI received \(count 1, reason 0x[0-9a-f]+, at [0-9a-f]{16}\)")
        m.send("i")
        m.expect(r"interrupt statistics: NMIs 1,")
        time_now_ns(m)


def test_poweroff_ends_qemu_through_acpi():
    with booted("poweroff") as m:
        assert re.search(r"ACPI: .* S5 found", m.console_text())
        m.send("O")
        m.expect(r"Lintel: powering off")
        m.wait_exit(timeout=30)
        assert "did not take effect" not in m.console_text()


def test_reboot_key_ends_qemu():
    with booted("reboot") as m:
        m.send("R")
        m.expect(r"Lintel: rebooting")
        m.wait_exit(timeout=30)


def test_crash_report_has_registers_symbols_and_address_then_reboots():
    with booted("crash") as m:
        m.send("C")
        m.expect(r"Lintel: panic: ring-0 exception #PF page fault", fatal=False)
        m.expect(r"RIP:\s+e008:\[<ffff82d04[0-9a-f]{7}>\] crash_key\+0x[0-9a-f]+/0x[0-9a-f]+",
                 fatal=False)
        m.expect(r"rax: [0-9a-f]{16}", fatal=False)
        m.expect(r"cr2: 0000000000000008", fatal=False)
        m.expect(r"Faulting address: 0000000000000008 \(write of a non-present page, "
                 r"supervisor mode", fatal=False)
        m.expect(r"Stack trace:", fatal=False)
        m.expect(r"\] keyhandler_dispatch\+", fatal=False)
        m.expect(r"\] idle_loop\+", fatal=False)
        m.expect(r"end of crash report", fatal=False)
        m.expect(r"rebooting in 3 seconds", fatal=False)
        m.wait_exit(timeout=30)


def test_crash_with_noreboot_halts():
    with booted("crash-noreboot", hv_args=CORE_ARGS + " noreboot") as m:
        m.send("C")
        m.expect(HALTED, timeout=30, fatal=False)
        time.sleep(2)
        assert m.proc.isalive(), "QEMU exited although noreboot was given"


def test_console_none_is_silent_but_crash_reports_still_print():
    with lintel("console-none", hv_args="console=none nodom0") as m:
        m.start()
        m.expect(r"Boot options:", timeout=30)   # the banner precedes option parsing
        time.sleep(4)                            # long enough to reach the idle loop
        m.send("C")
        m.expect(r"Lintel: panic: ring-0 exception #PF page fault", fatal=False)
        m.expect(r"end of crash report", fatal=False)
        text = m.console_text()
        assert "Lintel: ready" not in text and "Physical memory map" not in text


def test_missing_dom0_module_is_reported_and_stops():
    with Machine(hv="lintel", name="hv-core-no-module", no_modules=True, hv_args="loglvl=all",
                 dom0_image=None, memory_mb=256) as m:
        m.start()
        m.expect(r"Boot modules: 0")
        m.expect(r"dom0: no kernel module given", fatal=False)
        m.expect(r"Lintel: dom0 cannot be started; cannot continue", fatal=False)
        m.wait_exit(timeout=30)
        assert "Lintel: ready" not in m.console_text()


def write_module(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_non_elf_module_is_reported_and_halts_with_noreboot(tmp_path):
    module = write_module(tmp_path, "notakernel", b"#!/bin/sh\necho hello\n" * 100)
    with lintel("non-elf", hv_args="loglvl=all noreboot", dom0_kernel=module) as m:
        m.start()
        m.expect(r"dom0: module 0 is not an ELF or bzImage: starts with bytes "
                 r"23 21 2f 62", timeout=60, fatal=False)
        m.expect(HALTED, fatal=False)
        assert "Lintel: ready" not in m.console_text()


def test_truncated_elf_module_is_reported(tmp_path):
    with open(paths.LINTEL_ELF, "rb") as f:
        module = write_module(tmp_path, "truncated.elf", f.read(4096))
    with lintel("truncated-elf", hv_args="loglvl=all", dom0_kernel=module) as m:
        m.start()
        m.expect(r"dom0: ELF truncated: segment 0 needs file bytes up to \d+ but the "
                 r"file has 4096", timeout=60, fatal=False)
        m.expect(r"rebooting in 3 seconds", fatal=False)
        m.wait_exit(timeout=30)


def test_bzimage_module_is_recognised():
    with lintel("bzimage", hv_args="loglvl=all noreboot") as m:
        m.start()
        m.expect(r"dom0: kernel is a bzImage \(boot protocol 2\.\d+\), xz payload of "
                 r"\d+ KiB", timeout=60)


def test_truncated_bzimage_module_is_reported(tmp_path):
    with open(paths.STOCK_KERNEL, "rb") as f:
        module = write_module(tmp_path, "truncated-vmlinuz", f.read(65536))
    with lintel("truncated-bzimage", hv_args="loglvl=all noreboot", dom0_kernel=module) as m:
        m.start()
        m.expect(r"dom0: module 0: bzImage truncated: payload at \d+ \(\d+ bytes\) runs "
                 r"past the end of the 65536-byte file", timeout=60, fatal=False)
        m.expect(HALTED, fatal=False)


def test_pv_elf_kernel_module_is_accepted():
    hello = paths.test_kernel("hello")
    if not os.path.exists(hello):
        pytest.skip(f"{hello} not built (tests/kernels)")
    with lintel("pv-elf", hv_args="loglvl=all", dom0_kernel=hello, dom0_args="") as m:
        m.start()
        m.expect(r"dom0: kernel is ELF64, entry 0x[0-9a-f]+, \d+ loadable segments, "
                 r"[1-9]\d* Xen notes", timeout=60)
        m.expect(READY)


def test_bad_options_are_reported_not_fatal():
    args = CORE_ARGS + " frobnicate dom0_mem=12q dom0_max_vcpus=2 hypercall_trace"
    with lintel("options", hv_args=args) as m:
        m.start()
        m.expect(r"cmdline: unknown option \"frobnicate\" ignored", timeout=30)
        m.expect(r"cmdline: invalid value \"12q\" for dom0_mem: expected a size")
        m.expect(r"problems reported above; those options were ignored")
        m.expect(r"hypercall_trace: every hypercall will be logged")
        m.expect(READY)


def test_xen_command_line_is_accepted_as_is():
    """The options the harness gives Xen 4.17 mean the same to Lintel."""
    xen_args = Machine(hv="xen").default_hv_args(1024)
    with lintel("xen-args", hv_args=xen_args + " nodom0") as m:
        m.start()
        m.expect(READY, timeout=60)
        m.expect(NODOM0, fatal=False)
        assert "cmdline:" not in m.console_text()


@pytest.fixture(scope="module")
def grub_iso(tmp_path_factory):
    root = tmp_path_factory.mktemp("iso")
    (root / "boot" / "grub").mkdir(parents=True)
    shutil.copy(paths.LINTEL_ELF, root / "boot" / "lintel.elf")
    shutil.copy(paths.STOCK_KERNEL, root / "boot" / "vmlinuz")
    (root / "boot" / "grub" / "grub.cfg").write_text(
        "serial --unit=0 --speed=115200\n"
        "terminal_input serial\nterminal_output serial\n"
        "set timeout=0\n"
        "menuentry Lintel {\n"
        "    multiboot2 /boot/lintel.elf loglvl=all noreboot nodom0\n"
        "    module2 /boot/vmlinuz console=hvc0\n"
        "}\n")
    iso = str(tmp_path_factory.getbasetemp() / "lintel-grub.iso")
    subprocess.run(["grub-mkrescue", "-o", iso, str(root)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return iso


def test_grub_multiboot2_boot(grub_iso):
    with GrubMachine(grub_iso, name="hv-core-grub", dom0_image=None, memory_mb=256) as m:
        m.start()
        m.expect(r"Boot loader: GRUB [^\r\n]*\(multiboot2\)", timeout=90)
        text = m.expect(READY, timeout=60)
        log = m.console_text()
        assert re.search(r"Command line: loglvl=all noreboot nodom0\n", log)
        assert re.search(r"Physical memory map:\n\s+0000000000000000 - ", log)
        kib = (os.path.getsize(paths.STOCK_KERNEL) + 1023) >> 10
        assert re.search(rf"module 0: 0x[0-9a-f]+-0x[0-9a-f]+ \({kib} KiB\) \"console=hvc0\"",
                         log)
        assert text
