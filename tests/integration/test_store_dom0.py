"""lintel-stored in dom0 on Xen 4.17 (and Lintel, once dom0 boots there).

dom0's init starts lintel-stored; Linux's xenbus connects to it through
/dev/xen/xenbus_backend, and the kernel's /dev/xen/xenbus device (the kernel's
own ring to the store) reads, writes and watches through it. Then Debian's
toolstack (xl/libxl with its own libxenstore) runs a guest's whole life on it:
xl create introduces the guest (its ring page mapped through gntdev, its event
channel bound), the guest shuts down, lintel-stored announces it on
@releaseDomain (VIRQ_DOM_EXC), xl destroys it, and the store lets go of it so
the hypervisor can finish. The guest is the project's `domu` test kernel.

One boot per hypervisor serves every test here: the dom0-xentools image (the
plain dom0 image plus Debian's Xen userspace; lintel-stored is still the store
since no lintel.store= is given) with the guest appended as a second archive.
"""
import re

import pytest

from harness import paths
from harness.initramfs import image_with_files, read_bytes
from harness.marks import hypervisors
from harness.qemu import Machine

KERNEL_XENBUS = "XENSTORED_PATH=/dev/xen/xenbus"

DOMU_CFG = b'name = "domu"\nkernel = "/root/domu.elf"\nmemory = 32\nvcpus = 1\n'


def image_with_domu(tmp_path):
    """The xentools dom0 image plus the guest and its config."""
    return image_with_files(paths.DOM0_XENTOOLS_IMAGE,
                            {"/root/domu.elf": read_bytes(paths.test_kernel("domu")),
                             "/root/domu.cfg": DOMU_CFG},
                            tmp_path / "dom0-xentools-domu.cpio.gz")


@pytest.fixture(scope="module", params=hypervisors())
def store_dom0(request, tmp_path_factory):
    image = image_with_domu(tmp_path_factory.mktemp("store-xl"))
    with Machine(hv=request.param, name=f"store-dom0-{request.param}", dom0_image=image) as m:
        m.start()
        m.wait_shell()
        # lintel-stored is the store (no lintel.store=); the rest of Xen's dom0 set-up by hand.
        m.check("/usr/lib/xen-4.17/bin/xen-init-dom0")
        m.check("mkdir -p /run/xen /var/lib/xen /var/log/xen")
        m.check("/usr/lib/xen-4.17/bin/xenconsoled --pid-file=/run/xenconsoled.pid")
        yield m


def test_lintel_stored_is_the_store(store_dom0):
    assert "lintel-stored" in store_dom0.check("cat /proc/$(cat /run/lintel-stored.pid)/cmdline")
    assert store_dom0.check("xenstore-read /local/pool/0/name") == "Pool-0"


def test_xl_guest_life_cycle(store_dom0):
    store_dom0.check("(xenstore-watch @releaseDomain > /tmp/release.out &)")
    out, status = store_dom0.run("xl create /root/domu.cfg > /tmp/xl.log 2>&1", timeout=120)
    assert status == 0, store_dom0.check("tail -30 /tmp/xl.log")
    # The guest runs its checks and powers off; xl destroys it; the store lets it go.
    out = ""
    for _ in range(30):
        out = store_dom0.check("xl list")
        if len(out.splitlines()) == 2:
            break
        store_dom0.check("sleep 1")
    assert len(out.splitlines()) == 2, out
    assert store_dom0.check("xenstore-exists /local/domain/1; echo $?") == "1"
    events = store_dom0.check("cat /tmp/release.out").splitlines()
    assert len(events) >= 3        # registration, the guest's shutdown, its death


def test_kernel_xenbus_wrote_its_control_features(store_dom0):
    """Linux's xenbus writes these as soon as the store answers on its ring."""
    out = store_dom0.check("lintel-store ls -r /local/domain/0/control")
    assert re.search(r'feature-poweroff = "1"', out), out


def test_kernel_device_reads_and_writes(store_dom0):
    store_dom0.check(f"{KERNEL_XENBUS} lintel-store write /test/k kernel")
    assert store_dom0.check("lintel-store read /test/k") == "kernel"
    store_dom0.check("lintel-store write /test/s socket")
    assert store_dom0.check(f"{KERNEL_XENBUS} lintel-store read /test/s") == "socket"


def test_kernel_device_watch(store_dom0):
    store_dom0.check(f"({KERNEL_XENBUS} lintel-store watch -n 2 /test/w > /tmp/w.out &)")
    store_dom0.check("sleep 1; lintel-store write /test/w/1 x; sleep 1")
    assert store_dom0.check("cat /tmp/w.out").splitlines() == ["/test/w", "/test/w/1"]


# Last: it restarts the daemon.
def test_restart_keeps_state_the_kernel_ring_and_its_watches(store_dom0):
    store_dom0.check("lintel-store write /test/r kept")
    store_dom0.check(f"({KERNEL_XENBUS} lintel-store watch -n 2 /test/rw > /tmp/rw.out &)")
    store_dom0.check("sleep 1; kill $(cat /run/lintel-stored.pid); sleep 0.5")
    out = store_dom0.check("lintel-stored --pidfile /run/lintel-stored.pid")
    assert "dom0 kernel attached" in out
    assert store_dom0.check(f"{KERNEL_XENBUS} lintel-store read /test/r") == "kept"
    # The kernel registered this watch before the restart and will not again.
    store_dom0.check("lintel-store write /test/rw/after-restart x; sleep 1")
    assert store_dom0.check("cat /tmp/rw.out").splitlines() == ["/test/rw",
                                                                "/test/rw/after-restart"]
