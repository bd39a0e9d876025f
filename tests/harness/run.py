#!/usr/bin/env python3
"""`make run`: boots the whole stack in QEMU with the serial console in this
terminal. HV=lintel (default), HV=xen for Xen 4.17, HV=native for the bare kernel."""
import argparse
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness.qemu import Machine  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hv", default="lintel", choices=["lintel", "xen", "native"])
    parser.add_argument("--smp", type=int, default=1)
    parser.add_argument("--mem", type=int, default=2048, help="machine memory in MiB")
    parser.add_argument("--dom0-mem", type=int, default=1024, help="dom0 memory in MiB")
    parser.add_argument("--hv-args", default=None, help="hypervisor command line")
    parser.add_argument("--dom0-args", default=None, help="dom0 kernel command line")
    parser.add_argument("--gdb", action="store_true", help="wait for gdb on :1234 (-s -S)")
    parser.add_argument("--dry-run", action="store_true", help="print the QEMU command")
    args = parser.parse_args()

    extra = ["-s", "-S"] if args.gdb else []
    machine = Machine(hv=args.hv, name=f"run-{args.hv}", hv_args=args.hv_args,
                      dom0_args=args.dom0_args, memory_mb=args.mem,
                      dom0_mem_mb=args.dom0_mem, smp=args.smp, qemu_extra=extra)
    cmd = machine.qemu_command()
    # Interactive: QEMU's monitor shares stdio, so Ctrl-A is QEMU's escape key.
    cmd[cmd.index("-chardev"):cmd.index("-chardev") + 2] = []
    cmd[cmd.index("-serial") + 1] = "mon:stdio"
    cmd[cmd.index("-monitor"):cmd.index("-monitor") + 2] = []
    missing = [f for f in machine.files_needed() if not os.path.exists(f)]
    if missing:
        sys.exit(f"make run: missing {', '.join(missing)} (run make first)")
    print(f"Booting {args.hv} in QEMU (TCG, {args.smp} CPU, {args.mem} MiB).")
    print("Keys: Ctrl-A X quits QEMU; Ctrl-A C opens QEMU's monitor; Ctrl-A Ctrl-A sends "
          "one Ctrl-A (three of them switch serial input between hypervisor and dom0).")
    if args.gdb:
        print("Waiting for gdb: gdb build/lintel-syms -ex 'target remote :1234'")
    print("$ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    if args.dry_run:
        return
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main()
