"""Lintel unpacks the stock Debian bzImage's xz payload in ring 0 at boot
(hypervisor/common/xz), and a damaged payload is named on the console
instead of crashing anything. Lintel only: these check Lintel's decoder."""
import os
import struct
import time

import pytest

from harness import paths
from harness.qemu import Machine

UNPACKED = r"dom0: unpacked the bzImage's xz payload: (\d+) KiB -> (\d+) KiB"

pytestmark = pytest.mark.skipif(
    not (os.path.exists(paths.LINTEL_ELF) and os.path.exists(paths.STOCK_KERNEL)),
    reason="needs build/lintel.elf and the stock kernel (make; make artifacts)")


def payload_span(image):
    """(offset, length) of a bzImage's payload, per the boot protocol."""
    setup_sects = image[0x1f1] or 4
    offset, length = struct.unpack_from("<II", image, 0x248)
    return (setup_sects + 1) * 512 + offset, length


def test_stock_kernel_unpacked_at_boot():
    image = open(paths.STOCK_KERNEL, "rb").read()
    offset, length = payload_span(image)
    size, = struct.unpack_from("<I", image, offset + length - 4)
    with Machine(hv="lintel", name="xz-unpack-stock", dom0_image=None) as m:
        m.start()
        m.expect(r"xz payload of \d+ KiB", timeout=60)
        started = time.monotonic()
        done = m.expect(UNPACKED, timeout=240)
        took = time.monotonic() - started
    assert int(done.group(1)) == length >> 10
    assert int(done.group(2)) == size >> 10
    print(f"unpacked {length >> 10} KiB -> {size >> 10} KiB in {took:.1f} s under TCG")


def test_damaged_payload_is_named(tmp_path):
    image = bytearray(open(paths.STOCK_KERNEL, "rb").read())
    offset, length = payload_span(image)
    stream_end = offset + length - 4                    # before the size trailer
    backward_size, = struct.unpack_from("<I", image, stream_end - 8)
    index_at = stream_end - 12 - (backward_size + 1) * 4
    image[index_at - 1] ^= 0x01                         # the block's CRC32
    damaged = tmp_path / "vmlinuz-bad-crc"
    damaged.write_bytes(image)
    with Machine(hv="lintel", name="xz-damaged-payload", dom0_kernel=str(damaged),
                 dom0_image=None) as m:
        m.start()
        m.expect(r"dom0: xz: CRC32 mismatch in block at offset 12", timeout=240)
