"""Fixtures for the xz decoder's host-side tests."""
import os
import struct

import pytest

from harness import paths


@pytest.fixture(scope="session")
def kernel_payload(tmp_path_factory):
    """The stock kernel's compressed payload (xz stream + size trailer)."""
    if not os.path.exists(paths.STOCK_KERNEL):
        pytest.skip("no stock kernel in build/cache (make artifacts)")
    data = open(paths.STOCK_KERNEL, "rb").read()
    setup_sects = data[0x1f1] or 4
    payload_offset, payload_length = struct.unpack_from("<II", data, 0x248)
    start = (setup_sects + 1) * 512 + payload_offset
    path = tmp_path_factory.mktemp("xz") / "payload.xz"
    path.write_bytes(data[start:start + payload_length])
    return path
