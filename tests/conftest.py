"""pytest configuration shared by every suite under tests/."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from harness.marks import hypervisors, lintel_xfail  # noqa: E402
from harness.qemu import Machine  # noqa: E402

def pytest_addoption(parser):
    parser.addoption("--run-soak", action="store_true", default=False,
                     help="also run the long tests marked soak (make soak)")


def pytest_configure(config):
    config.addinivalue_line("markers", "soak: long-running test, only with --run-soak")


def pytest_collection_modifyitems(config, items):
    for item in items:
        mark_lintel_dom0_xfail(item)
    if config.getoption("--run-soak"):
        return
    skip = pytest.mark.skip(reason="soak test: run with make soak")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)


def mark_lintel_dom0_xfail(item):
    """What Lintel cannot pass yet in a module whose tests share one booted
    machine per hypervisor (a module-scoped fixture parametrized "xen"/"lintel"):
    LINTEL_DOM0_XFAIL = "reason" for the whole module, or LINTEL_XFAIL_TESTS =
    {"test_name": "reason"} for single tests. Those tests' Lintel cases become
    strict expected failures (harness.marks.lintel_xfail)."""
    callspec = getattr(item, "callspec", None)
    if not callspec or "lintel" not in callspec.params.values():
        return
    reason = getattr(item.module, "LINTEL_DOM0_XFAIL", None)
    reason = getattr(item.module, "LINTEL_XFAIL_TESTS", {}).get(item.originalname, reason)
    if reason:
        item.add_marker(lintel_xfail(reason))


@pytest.fixture(params=hypervisors())
def hv(request):
    """Parametrizes a test over Xen 4.17 and Lintel; the test marks Lintel's
    expected failures itself (harness.marks.lintel_xfail)."""
    return request.param


@pytest.fixture(scope="module", params=hypervisors())
def booted_dom0(request):
    """One dom0 booted to its shell, shared by the tests of a module: the stock
    kernel with the project's dom0 image, on each hypervisor (see
    mark_lintel_dom0_xfail for a module Lintel cannot pass yet)."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    with Machine(hv=request.param, name=f"{module}-{request.param}") as machine:
        machine.start()
        machine.wait_shell()
        yield machine
