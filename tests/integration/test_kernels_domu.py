"""The domu test kernel started as a guest by the toolstack in dom0.

dom0 runs Debian's Xen 4.17 userspace (the dom0-xentools image, which also
carries build/dom0-rootfs, where tests/kernels stages its guest kernels).
`xl create -c` builds the guest, attaches to its console ring through
xenconsoled and returns when the guest powers off; the kernel's checks
(start_info of a domU, its console ring and store, refused privileged
operations) print there and end in the usual RESULT line.
"""
import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine

GUEST_KERNEL = "/usr/lib/lintel/test-kernels/domu.elf"
CONFIG = [
    'name = "kernel-domu"',
    f'kernel = "{GUEST_KERNEL}"',
    "memory = 32",
    "vcpus = 1",
    'on_poweroff = "destroy"',
]


@pytest.mark.parametrize("hv", hypervisors())
def test_domu_kernel_checks_pass(hv):
    with Machine(hv=hv, name=f"kernel-domu-{hv}", dom0_image=paths.DOM0_XENTOOLS_IMAGE,
                 dom0_args="console=hvc0 earlyprintk=xen lintel.store=xenstored") as m:
        m.start()
        m.wait_shell(timeout=180)
        out, status = m.run(f"test -f {GUEST_KERNEL}", timeout=10)
        assert status == 0, f"{GUEST_KERNEL} is not in the dom0 image: run make"
        m.run("rm -f /tmp/domu.cfg", timeout=10)
        for line in CONFIG:
            m.run(f"echo '{line}' >> /tmp/domu.cfg", timeout=10)
        # xenconsole's lock directory is missing from the image (reported to its owner).
        m.run("mkdir -p /var/lock", timeout=10)
        out, status = m.run("timeout 90 xl create -c /tmp/domu.cfg 2>&1", timeout=120)
        failures = [l for l in out.splitlines() if l.startswith("FAIL ")]
        assert "domu: Lintel PV test kernel" in out, out[-2000:]
        assert "RESULT: PASS" in out, "\n".join(failures) or out[-2000:]
        # on_poweroff = "destroy": the guest is gone once it powered off.
        out, status = m.run("xl list", timeout=30)
        assert "kernel-domu" not in out
