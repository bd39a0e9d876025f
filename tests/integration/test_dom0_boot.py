"""dom0 boots: the stock Debian kernel as PV dom0 with the project's image.

Xen 4.17 is the oracle; on Lintel these are strict expected failures until the
stock kernel boots there (issue 8)."""
import re


def test_dom0_reaches_init(booted_dom0):
    assert "lintel-dom0: init started" in booted_dom0.console_text()


def test_hypervisor_type_is_xen(booted_dom0):
    assert booted_dom0.check("cat /sys/hypervisor/type") == "xen"


def test_dom0_is_control_domain(booted_dom0):
    assert booted_dom0.check("cat /proc/xen/capabilities") == "control_d"


def test_privcmd_opens(booted_dom0):
    # `exec 3<>` fails (non-zero) when open(2) fails.
    booted_dom0.check("exec 3<>/dev/xen/privcmd && echo opened; exec 3>&-")


def test_xen_modules_loaded(booted_dom0):
    loaded = booted_dom0.check("cut -d' ' -f1 /proc/modules")
    for module in ("xen_evtchn", "xen_gntdev", "xen_gntalloc", "xen_privcmd", "xenfs"):
        assert module in loaded.split(), f"{module} not loaded:\n{loaded}"


def test_kernel_log_is_clean(booted_dom0):
    log = booted_dom0.check("dmesg")
    bad = [l for l in log.splitlines()
           if re.search(r"WARNING:|BUG:|Oops|Xen: .* failed|Call Trace", l)]
    assert not bad, "\n".join(bad)
