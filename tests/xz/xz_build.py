"""Builds the xz decoder's host-side test programs (fuzzer, benchmark) from
the hypervisor's own decoder sources, so they test exactly what ring 0 runs."""
import os
import struct
import subprocess

import pytest

from harness import paths

HV = os.path.join(paths.ROOT, "hypervisor")
XZ_SOURCES = sorted(
    os.path.join(HV, "common", "xz", f)
    for f in os.listdir(os.path.join(HV, "common", "xz")) if f.endswith(".c"))
# lintel_snprintf and friends, which the decoder's messages use.
LIB_SOURCES = [os.path.join(HV, "lib", "util.c"), os.path.join(HV, "lib", "vsnprintf.c")]
OUT = os.path.join(paths.BUILD, "xz-tests")
WARN = ["-Wall", "-Wextra", "-Werror"]


def build(compiler, name, main_source, flags, libs=(), decoder_flags=None):
    """Builds build/xz-tests/<name> from main_source and the decoder; the
    decoder gets decoder_flags when given (to match the ring-0 build)."""
    work = os.path.join(OUT, name + ".objs")
    os.makedirs(work, exist_ok=True)
    common = [*WARN, "-I", os.path.join(HV, "include"), "-DLINTEL_HOST"]
    objects = []
    for source in XZ_SOURCES + LIB_SOURCES:
        obj = os.path.join(work, os.path.basename(source) + ".o")
        run([compiler, *(decoder_flags or flags), *common, "-c", source, "-o", obj])
        objects.append(obj)
    exe = os.path.join(OUT, name)
    run([compiler, *flags, *common, "-o", exe, main_source, *objects, *libs])
    return exe


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(cmd)}\n{result.stderr}"


@pytest.fixture(scope="session")
def kernel_payload(tmp_path_factory):
    """The stock kernel's compressed payload (xz stream + size trailer).
    A fixture here, not in a conftest.py: tests/toolstack imports its
    conftest by that module name, so a second one would shadow it."""
    if not os.path.exists(paths.STOCK_KERNEL):
        pytest.skip("no stock kernel in build/cache (make artifacts)")
    data = open(paths.STOCK_KERNEL, "rb").read()
    setup_sects = data[0x1f1] or 4
    payload_offset, payload_length = struct.unpack_from("<II", data, 0x248)
    start = (setup_sects + 1) * 512 + payload_offset
    path = tmp_path_factory.mktemp("xz") / "payload.xz"
    path.write_bytes(data[start:start + payload_length])
    return path
