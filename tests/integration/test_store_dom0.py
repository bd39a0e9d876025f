"""lintel-stored in dom0: dom0's init starts it, Linux's xenbus connects to it
through /dev/xen/xenbus_backend, and the kernel's /dev/xen/xenbus device (the
kernel's own ring to the store) reads, writes and watches through it."""
import re

KERNEL_XENBUS = "XENSTORED_PATH=/dev/xen/xenbus"


def test_init_started_lintel_stored(booted_dom0):
    pid = booted_dom0.check("cat /run/lintel-stored.pid")
    assert "lintel-stored" in booted_dom0.check(f"cat /proc/{pid}/cmdline")


def test_kernel_xenbus_wrote_its_control_features(booted_dom0):
    """Linux's xenbus writes these as soon as the store answers on its ring."""
    out = booted_dom0.check("lintel-store ls -r /local/domain/0/control")
    assert re.search(r'feature-poweroff = "1"', out), out


def test_kernel_device_reads_and_writes(booted_dom0):
    booted_dom0.check(f"{KERNEL_XENBUS} lintel-store write /test/k kernel")
    assert booted_dom0.check("lintel-store read /test/k") == "kernel"
    booted_dom0.check("lintel-store write /test/s socket")
    assert booted_dom0.check(f"{KERNEL_XENBUS} lintel-store read /test/s") == "socket"


def test_kernel_device_watch(booted_dom0):
    booted_dom0.check(f"({KERNEL_XENBUS} lintel-store watch -n 2 /test/w > /tmp/w.out &)")
    booted_dom0.check("sleep 1; lintel-store write /test/w/1 x; sleep 1")
    assert booted_dom0.check("cat /tmp/w.out").splitlines() == ["/test/w", "/test/w/1"]


def test_restart_keeps_state_and_the_kernel_ring(booted_dom0):
    booted_dom0.check("lintel-store write /test/r kept")
    booted_dom0.check("kill $(cat /run/lintel-stored.pid); sleep 0.5")
    out = booted_dom0.check("lintel-stored --pidfile /run/lintel-stored.pid")
    assert "dom0 kernel attached" in out
    assert booted_dom0.check(f"{KERNEL_XENBUS} lintel-store read /test/r") == "kept"
