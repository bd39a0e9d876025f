"""The harness itself, on the bare kernel (no hypervisor): what every other
integration test relies on."""
import os
import time

import pytest

from harness.qemu import Machine, MachineError


@pytest.fixture(scope="module")
def native():
    with Machine(hv="native", name="harness-native") as m:
        m.start()
        m.wait_shell()
        yield m


def test_run_returns_output_and_status(native):
    assert native.run("echo one; echo two") == ("one\ntwo", 0)
    assert native.run("(exit 7)") == ("", 7)
    assert native.run("printf 'no newline'") == ("no newline", 0)


def test_background_jobs_and_multiline_commands(native):
    assert native.run("sleep 1 &") == ("", 0)
    assert native.run("for i in 1 2\ndo echo $i\ndone") == ("1\n2", 0)
    assert native.run("echo after") == ("after", 0)


def test_ctrl_c_reaches_the_guest_not_qemu(native):
    native.send("sleep 30\n")
    time.sleep(1)
    native.send("\x03")
    native.expect(r"dom0:[^\r\n]*# ", timeout=20)
    assert native.proc.isalive()
    assert native.run("echo " + "x" * 300) == ("x" * 300, 0)


def test_check_fails_on_nonzero_status(native):
    with pytest.raises(MachineError, match="exited with 3"):
        native.check("echo oops; (exit 3)")


def test_expect_timeout_reports_console_tail(native):
    native.send("echo tail-marker-$((6*7))\n")
    with pytest.raises(MachineError) as err:
        native.expect("this never appears", timeout=3)
    assert "timed out after 3s" in str(err.value)
    assert "tail-marker-42" in str(err.value)


def test_console_is_logged(native):
    assert os.path.getsize(native.log_path) > 0
    assert "lintel-dom0: init started" in native.console_text()


def test_close_kills_qemu():
    m = Machine(hv="native", name="harness-close")
    m.start()
    pid = m.proc.pid
    m.close()
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"


def test_missing_file_is_reported():
    m = Machine(hv="native", name="harness-missing", dom0_kernel="/nonexistent/vmlinuz")
    with pytest.raises(MachineError, match="/nonexistent/vmlinuz does not exist"):
        m.start()
    m.close()


def test_commas_in_modules_are_refused():
    m = Machine(hv="xen", name="harness-commas", dom0_args="a=1,2")
    with pytest.raises(ValueError, match="cannot carry commas"):
        m.qemu_command()


def test_no_modules_leaves_out_initrd():
    cmd = Machine(hv="lintel", name="harness-no-modules", no_modules=True).qemu_command()
    assert "-initrd" not in cmd
    assert "-initrd" in Machine(hv="lintel", name="harness-modules").qemu_command()


def test_appended_archive_unpacks_with_cpio(tmp_path):
    """harness.initramfs: what Linux would unpack from the appended archive,
    checked with cpio itself (no QEMU)."""
    import gzip
    import subprocess

    from harness.initramfs import image_with_files

    base = tmp_path / "base.cpio.gz"
    base.write_bytes(b"BASE")
    out = image_with_files(str(base), {"/usr/bin/probe": (b"#!/bin/sh\n", 0o755),
                                       "/root/x.cfg": "name = 'x'\n"}, tmp_path / "o.gz")
    data = open(out, "rb").read()
    assert data.startswith(b"BASE")
    archive = gzip.decompress(data[4:])
    listing = subprocess.run(["cpio", "-t", "-v", "--quiet"], input=archive, check=True,
                             capture_output=True).stdout.decode().splitlines()
    names = [line.split()[-1] for line in listing]
    assert names == ["root", "root/x.cfg", "usr", "usr/bin", "usr/bin/probe"]
    assert listing[-1].startswith("-rwxr-xr-x")
    extracted = tmp_path / "x"
    extracted.mkdir()
    subprocess.run(["cpio", "-i", "-d", "--quiet"], input=archive, cwd=extracted, check=True)
    assert (extracted / "root" / "x.cfg").read_text() == "name = 'x'\n"
