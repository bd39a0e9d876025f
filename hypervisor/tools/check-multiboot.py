#!/usr/bin/python3
"""Checks that an image is loadable the way QEMU's multiboot1 loader and
GRUB's multiboot2 loader will load it: headers where they search, sums
right, and the file bytes laid out exactly like the physical image (the
loaders copy the file linearly from load_addr)."""
import struct
import sys

MB1_MAGIC, MB2_MAGIC = 0x1BADB002, 0xE85250D6


def fail(msg):
    sys.exit(f"check-multiboot: {sys.argv[1]}: {msg}")


def load_segments(data):
    if data[:4] != b"\x7fELF" or data[4] != 2:
        fail("not an ELF64 file")
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    segs = []
    for i in range(phnum):
        p_type, _, off, _, paddr, filesz, memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            segs.append((off, paddr, filesz, memsz))
    if len(segs) != 1:
        fail(f"expected one PT_LOAD segment, found {len(segs)}")
    return segs[0]


def main():
    data = open(sys.argv[1], "rb").read()
    seg_off, seg_paddr, seg_filesz, seg_memsz = load_segments(data)
    mb1 = next((o for o in range(0, 8192, 4)
                if struct.unpack_from("<I", data, o)[0] == MB1_MAGIC), None)
    if mb1 is None:
        fail("no multiboot1 header in the first 8 KiB")
    magic, flags, csum, hdr, load, load_end, bss_end, entry = struct.unpack_from(
        "<8I", data, mb1)
    if (magic + flags + csum) & 0xFFFFFFFF:
        fail("multiboot1 checksum is wrong")
    if not flags & (1 << 16):
        fail("multiboot1 header lacks the address fields flag")
    if hdr - load != mb1 - seg_off or load != seg_paddr:
        fail("multiboot1 addresses do not match the file layout")
    if load_end - load != seg_filesz or bss_end - load != seg_memsz:
        fail("multiboot1 load_end/bss_end do not match the segment sizes")
    if not load <= entry < load_end:
        fail("multiboot1 entry is outside the image")
    mb2 = next((o for o in range(0, 32768, 8)
                if struct.unpack_from("<I", data, o)[0] == MB2_MAGIC), None)
    if mb2 is None:
        fail("no multiboot2 header in the first 32 KiB")
    magic, arch, length, csum = struct.unpack_from("<4I", data, mb2)
    if (magic + arch + length + csum) & 0xFFFFFFFF:
        fail("multiboot2 checksum is wrong")
    off = mb2 + 16
    while True:
        tag, _, size = struct.unpack_from("<HHI", data, off)
        if tag == 0:
            break
        if tag == 2:
            hdr2, load2, _, _ = struct.unpack_from("<4I", data, off + 8)
            if hdr2 - load2 != mb2 - seg_off:
                fail("multiboot2 address tag does not match the file layout")
        off += (size + 7) & ~7


main()
