"""Where the build puts what the harness boots."""
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
CACHE = os.path.join(BUILD, "cache")

LINTEL_ELF = os.path.join(BUILD, "lintel.elf")
XEN_ELF = os.path.join(CACHE, "xen", "xen.elf")
STOCK_KERNEL = os.path.join(CACHE, "kernel", "vmlinuz")
DOM0_IMAGE = os.path.join(BUILD, "dom0.cpio.gz")
# The same plus Debian's Xen 4.17 userspace (xl, xenstored, xentop): the anchor.
DOM0_XENTOOLS_IMAGE = os.path.join(BUILD, "dom0-xentools.cpio.gz")
TEST_KERNELS = os.path.join(BUILD, "test-kernels")
TEST_LOGS = os.path.join(BUILD, "test-logs")


def test_kernel(name):
    return os.path.join(TEST_KERNELS, f"{name}.elf")
