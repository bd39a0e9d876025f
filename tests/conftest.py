"""pytest configuration shared by every suite under tests/."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from harness.marks import hypervisors  # noqa: E402
from harness.qemu import Machine  # noqa: E402

DOM0_NOT_ON_LINTEL = "the stock kernel does not boot as dom0 on Lintel yet (issue 8)"


def pytest_addoption(parser):
    parser.addoption("--run-soak", action="store_true", default=False,
                     help="also run the long tests marked soak (make soak)")


def pytest_configure(config):
    config.addinivalue_line("markers", "soak: long-running test, only with --run-soak")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-soak"):
        return
    skip = pytest.mark.skip(reason="soak test: run with make soak")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=hypervisors())
def hv(request):
    """Parametrizes a test over Xen 4.17 and Lintel; the test marks Lintel's
    expected failures itself (harness.marks.lintel_xfail)."""
    return request.param


@pytest.fixture(scope="module", params=hypervisors(lintel_xfail_reason=DOM0_NOT_ON_LINTEL))
def booted_dom0(request):
    """One dom0 booted to its shell, shared by the tests of a module: the stock
    kernel with the project's dom0 image, on each hypervisor."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    with Machine(hv=request.param, name=f"{module}-{request.param}") as machine:
        machine.start()
        machine.wait_shell()
        yield machine
