"""include/public/io/xs_wire.h (ours) states the same numbers and layouts as
Debian's Xen 4.17 <xen/io/xs_wire.h>: the same program prints the same."""
import os
import subprocess

from stored import REPO

PROGRAM = os.path.join(os.path.dirname(__file__), "xs_wire_values.c")


def values(tmp_path, header):
    exe = str(tmp_path / ("ours" if header.startswith('"') else "debian"))
    subprocess.run(["gcc", "-Wall", "-Werror", f"-DHEADER={header}", "-o", exe, PROGRAM],
                   check=True)
    return subprocess.run([exe], check=True, capture_output=True, text=True).stdout


def test_xs_wire_matches_debian(tmp_path):
    ours = values(tmp_path, '"' + os.path.join(REPO, "include/public/io/xs_wire.h") + '"')
    debian = values(tmp_path, "<xen/io/xs_wire.h>")
    assert "XS_DIRECTORY_PART 22" in ours and "xsd_errors[15] 1 EPERM" in ours
    assert ours == debian
