"""The hypervisor's xz decoder on the stock kernel's payload, timed against
liblzma (single-threaded) on the host. Every Lintel boot pays this cost
(many times over under QEMU TCG), so it must stay within 3x of liblzma."""
import subprocess

from xz_build import HV, build, kernel_payload  # noqa: F401 (fixture)

# As close to the ring-0 build as a host program gets.
HV_LIKE_FLAGS = ["-std=gnu11", "-O2", "-mgeneral-regs-only", "-fno-omit-frame-pointer",
                 "-fno-optimize-sibling-calls", "-fno-stack-protector"]


def test_kernel_payload_speed_vs_liblzma(kernel_payload):
    exe = build("gcc", "bench_xz", f"{HV}/../tests/xz/bench_xz.c", ["-O2"],
                ["-llzma"], decoder_flags=HV_LIKE_FLAGS)
    result = subprocess.run([exe, str(kernel_payload), "2"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    print(result.stdout.strip())
    fields = dict(kv.split("=") for kv in result.stdout.split())
    assert int(fields["bytes"]) > 30 << 20
    assert float(fields["ratio"]) <= 3.0, result.stdout
