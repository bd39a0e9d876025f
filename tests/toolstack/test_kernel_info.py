"""`lintel kernel-info` reads the stock Debian kernel the way binutils does.

The oracle is independent of our C code: Python's lzma unpacks the bzImage
payload and `readelf` lists the Xen notes and program headers of the
result; every value `lintel kernel-info` prints must agree with them.
"""
import gzip
import lzma
import re
import struct
import subprocess

import pytest

from toolstack_cli import STOCK_KERNEL, run_lintel

# Xen ELF note types, from the public elfnote.h ABI.
NOTE_ENTRY, NOTE_VIRT_BASE, NOTE_PADDR_OFFSET = 1, 3, 4
NOTE_XEN_VERSION, NOTE_GUEST_OS, NOTE_LOADER, NOTE_FEATURES = 5, 6, 8, 10
NOTE_INIT_P2M, NOTE_HYPERCALL_PAGE = 15, 2

pytestmark = pytest.mark.skipif(not STOCK_KERNEL.exists(),
                                reason="stock kernel not fetched (make artifacts)")


@pytest.fixture(scope="module")
def vmlinux(tmp_path_factory):
    data = STOCK_KERNEL.read_bytes()
    setup_sects = data[0x1F1] or 4
    offset, length = struct.unpack_from("<II", data, 0x248)
    start = (setup_sects + 1) * 512 + offset
    elf = lzma.LZMADecompressor().decompress(data[start:start + length])
    path = tmp_path_factory.mktemp("kernel") / "vmlinux"
    path.write_bytes(elf)
    return path


def readelf_xen_notes(path):
    out = subprocess.run(["readelf", "-nW", str(path)], capture_output=True, text=True,
                         check=True).stdout
    notes = {}
    for m in re.finditer(r"^\s+Xen\s+0x[0-9a-f]+\s.*?\(?0x([0-9a-f]+)\)?.*?"
                         r"description data: ([0-9a-f ]+)$", out, re.M):
        notes.setdefault(int(m.group(1), 16), bytes.fromhex(m.group(2)))
    # readelf names some Xen note types after GNU ones; pick those by position.
    for m in re.finditer(r"^\s+Xen\s+0x[0-9a-f]+\s+(NT_VERSION|GO BUILDID|NT_ARCH)"
                         r"[^\n]*description data: ([0-9a-f ]+)$", out, re.M):
        kind = {"NT_VERSION": 1, "NT_ARCH": 2, "GO BUILDID": 4}[m.group(1)]
        notes[kind] = bytes.fromhex(m.group(2))
    return notes


def readelf_loads(path):
    out = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return [tuple(int(x, 16) for x in (m.group(1), m.group(2), m.group(3)))
            for m in re.finditer(r"^\s+LOAD\s+0x[0-9a-f]+ 0x[0-9a-f]+ (0x[0-9a-f]+) "
                                 r"(0x[0-9a-f]+) (0x[0-9a-f]+)", out, re.M)]


def lintel_kernel_info(lintel, *args):
    result = run_lintel(lintel, "kernel-info", *args)
    assert result.returncode == 0, result.stderr
    fields = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith(" "):
            fields[key.strip()] = value.strip()
    return fields, result.stdout


def number(raw):
    return int.from_bytes(raw, "little")


def text(raw):
    return raw.split(b"\0")[0].decode()


def test_notes_match_readelf(lintel, vmlinux):
    notes = readelf_xen_notes(vmlinux)
    fields, _ = lintel_kernel_info(lintel, STOCK_KERNEL)
    assert fields["format"] == "bzImage/xz"
    assert int(fields["elf_size"]) == vmlinux.stat().st_size
    assert int(fields["virt_base"], 16) == number(notes[NOTE_VIRT_BASE])
    assert int(fields["paddr_offset"], 16) == number(notes[NOTE_PADDR_OFFSET])
    assert int(fields["entry"], 16) == number(notes[NOTE_ENTRY])
    assert int(fields["init_p2m"], 16) == number(notes[NOTE_INIT_P2M])
    if NOTE_HYPERCALL_PAGE in notes:
        assert int(fields["hypercall_page"], 16) == number(notes[NOTE_HYPERCALL_PAGE])
    else:
        assert fields["hypercall_page"] == "(none)"
    assert fields["guest_os"] == text(notes[NOTE_GUEST_OS])
    assert fields["xen_version"] == text(notes[NOTE_XEN_VERSION])
    assert fields["loader"] == text(notes[NOTE_LOADER])
    required = [f[1:] for f in text(notes[NOTE_FEATURES]).split("|") if f.startswith("!")]
    assert fields["features_required"].split("|") == required


def test_segments_match_readelf(lintel, vmlinux):
    loads = readelf_loads(vmlinux)
    notes = readelf_xen_notes(vmlinux)
    virt_offset = number(notes[NOTE_VIRT_BASE]) - number(notes[NOTE_PADDR_OFFSET])
    _, out = lintel_kernel_info(lintel, STOCK_KERNEL)
    segments = re.findall(r"paddr (0x[0-9a-f]+) vaddr (0x[0-9a-f]+) filesz (0x[0-9a-f]+)"
                          r" memsz (0x[0-9a-f]+)", out)
    assert len(segments) == len(loads)
    for (paddr, vaddr, filesz, memsz), (r_paddr, r_filesz, r_memsz) in zip(segments, loads):
        assert (int(paddr, 16), int(filesz, 16), int(memsz, 16)) == (r_paddr, r_filesz,
                                                                      r_memsz)
        assert int(vaddr, 16) == r_paddr + virt_offset


def test_layout_fits_and_reports_small_memory(lintel):
    _, out = lintel_kernel_info(lintel, "-m", "256", STOCK_KERNEL)
    regions = {m.group(1): (int(m.group(2), 16), int(m.group(3)))
               for m in re.finditer(r"^  (\w+)\s+pfn\s+(0x[0-9a-f]+)\s+pages\s+(\d+)",
                                    out, re.M)}
    order = ["kernel", "start_info", "xenstore", "console", "page_tables", "boot_stack"]
    for before, after in zip(order, order[1:]):
        pfn, pages = regions[before]
        assert pfn + pages <= regions[after][0], (before, after)
    result = run_lintel(lintel, "kernel-info", "-m", "32", STOCK_KERNEL)
    assert result.returncode == 1
    assert "but the domain has 32 MiB" in result.stderr


def test_non_kernel_is_refused_by_name(lintel, tmp_path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"\0" * 4096)
    result = run_lintel(lintel, "kernel-info", junk)
    assert result.returncode == 1
    assert result.stderr == f"lintel kernel-info: {junk}: neither an ELF file nor a bzImage\n"


@pytest.mark.parametrize("method", ["gzip", "zstd"])
def test_gzip_and_zstd_payloads_give_the_same_kernel(lintel, vmlinux, tmp_path, method):
    """The stock bzImage with its kernel packed again by gzip or zstd (the
    other payloads Linux builds; the unpacked size appended, as its build
    does): the builder unpacks each to the same ELF, notes and layout."""
    data = STOCK_KERNEL.read_bytes()
    elf = vmlinux.read_bytes()
    if method == "gzip":
        packed = gzip.compress(elf, 1)
    else:
        packed = subprocess.run(["zstd", "-q", "-1", "-c"], input=elf, capture_output=True,
                                check=True).stdout
    payload = packed + struct.pack("<I", len(elf))
    setup_sects = data[0x1F1] or 4
    offset, _ = struct.unpack_from("<II", data, 0x248)
    image = bytearray(data[:(setup_sects + 1) * 512 + offset]) + payload
    struct.pack_into("<I", image, 0x24C, len(payload))
    repacked = tmp_path / f"vmlinuz-{method}"
    repacked.write_bytes(image)

    fields, out = lintel_kernel_info(lintel, "-m", "256", repacked)
    stock_fields, stock_out = lintel_kernel_info(lintel, "-m", "256", STOCK_KERNEL)
    assert fields["format"] == f"bzImage/{method}"
    assert int(fields["elf_size"]) == len(elf)
    assert out.replace(str(repacked), "K").replace(f"bzImage/{method}", "F") == \
        stock_out.replace(str(STOCK_KERNEL), "K").replace("bzImage/xz", "F")
