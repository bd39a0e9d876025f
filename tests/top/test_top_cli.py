"""lintel-top's command line on the build host, where there is no hypervisor:
bad options are refused with their reason and exit 2, and a missing privcmd
is reported (exit 1) rather than crashing. Its screen and figures are tested
in dom0 by tests/integration/test_top.py."""
import os
import subprocess

import pytest

from harness import paths

LINTEL_TOP = os.path.join(paths.BUILD, "top", "lintel-top")


def run(*args):
    if not os.path.exists(LINTEL_TOP):
        pytest.fail(f"{LINTEL_TOP} is not built: run make")
    return subprocess.run([LINTEL_TOP, *args], capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin", "TERM": "dumb"})


@pytest.mark.parametrize("args, reason", [
    (["-d", "0.01"], 'invalid delay "0.01": must be between 0.1 and 3600 seconds'),
    (["-d", "soon"], 'invalid delay "soon": not a number of seconds'),
    (["-i", "-3"], 'invalid iteration count "-3": must be a whole number >= 1'),
    (["--sort", "ram"], 'invalid sort column "ram"'),
    (["-z"], 'unknown option "-z"'),
    (["-d"], 'option "-d" needs a value'),
    (["dom1"], 'unexpected argument "dom1"'),
])
def test_bad_options_name_the_value(args, reason):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith("lintel-top: " + reason), result.stderr
    assert "usage: lintel-top" in result.stderr


def test_help_lists_every_option_and_column():
    result = run("--help")
    assert result.returncode == 0, result.stderr
    for option in ["--batch", "--iterations", "--delay", "--sort", "--reverse", "--vcpus",
                   "--json"]:
        assert option in result.stdout
    for column in ["name", "id", "state", "cpu_sec", "cpu_pct", "mem_kib", "mem_pct",
                   "maxmem_kib", "vcpus"]:
        assert f" {column}" in result.stdout


@pytest.mark.skipif(os.path.exists("/dev/xen/privcmd"), reason="this host is a Xen dom0")
@pytest.mark.parametrize("args", [["-b", "-i", "1"], ["--json"], []])
def test_without_a_hypervisor_it_says_so(args):
    result = run(*args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == ("lintel-top: cannot open the hypervisor interface: No such file "
                             "or directory (not in a Xen dom0, or xen-privcmd is not loaded)\n")
