"""The QEMU harness: boots Lintel, Xen 4.17 or native Linux and drives the serial
console expect-style. See qemu.Machine."""
