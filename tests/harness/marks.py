"""Marks shared by the integration tests."""
import pytest


def lintel_xfail(reason):
    """Lintel cannot do this yet. Strict, so the day it passes the run fails and
    the mark must come off."""
    return pytest.mark.xfail(strict=True, reason=f"Lintel: {reason}")


def hypervisors(lintel_xfail_reason=None):
    """The hypervisor parameters for a test: Xen 4.17 (the oracle) and Lintel."""
    lintel = "lintel"
    if lintel_xfail_reason:
        lintel = pytest.param("lintel", marks=lintel_xfail(lintel_xfail_reason))
    return ["xen", lintel]
