"""Debian's own Xen 4.17 userspace (xl, xenstored, xentop) in dom0: the anchor
that benchmarks compare the project's tools against, and on Lintel the stock
toolstack running unmodified."""
import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine


@pytest.fixture(scope="module", params=hypervisors())
def xen_tools_dom0(request):
    with Machine(hv=request.param, name=f"xen-userspace-{request.param}",
                 dom0_image=paths.DOM0_XENTOOLS_IMAGE,
                 dom0_args="console=hvc0 earlyprintk=xen lintel.store=xenstored") as m:
        m.start()
        m.wait_shell()
        yield m


def test_xl_lists_domain0(xen_tools_dom0):
    lines = xen_tools_dom0.check("xl list").splitlines()
    assert lines[0].split()[:2] == ["Name", "ID"]
    name, domid, mem_mib, vcpus = lines[1].split()[:4]
    assert (name, domid, vcpus) == ("Domain-0", "0", "1")
    assert abs(int(mem_mib) - 1024) <= 16


def test_xenstored_serves_dom0(xen_tools_dom0):
    assert xen_tools_dom0.check("xenstore-read domid") == "0"
    xen_tools_dom0.check("xenstore-write /test/anchor hello")
    assert xen_tools_dom0.check("xenstore-read /test/anchor") == "hello"


def test_xentop_batch(xen_tools_dom0):
    out = xen_tools_dom0.check("xentop -b -i 1")
    assert any(l.split()[0] == "Domain-0" for l in out.splitlines()[1:])
