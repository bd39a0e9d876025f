"""Boot a hypervisor (or bare Linux) in QEMU and drive its serial console.

    with Machine(hv="xen", name="dom0-boot") as m:
        m.start()
        m.wait_shell()
        out, status = m.run("cat /sys/hypervisor/type")

The serial console is QEMU's stdio, spawned under pexpect. Every byte read is kept
in build/test-logs/<name>.log, and a failed wait reports the last 40 console lines.
QEMU is always killed on close.
"""
import collections
import os
import re
import shlex
import tempfile
import time

import pexpect

from . import paths
from .qmp import Qmp

DEFAULT_DOM0_ARGS = {
    "xen": "console=hvc0 earlyprintk=xen",
    "lintel": "console=hvc0 earlyprintk=xen",
    "native": "console=ttyS0",
}

# Lines that mean the machine will never reach what a test waits for; waiting
# stops at once instead of running into the timeout.
FATAL_PATTERNS = [
    r"Kernel panic - not syncing[^\r\n]*",
    r"\(XEN\) Panic on CPU[^\r\n]*",
    r"\(XEN\) \*\*\*\* [^\r\n]*",
    r"Lintel: (halted|panic)[^\r\n]*",
    # Lintel says so when boot stops short of a piece that does not exist yet.
    r"Lintel: [^\r\n]*not built yet[^\r\n]*",
]

# Every wait is stretched by this factor. Under pytest-xdist two QEMUs share
# the machine's cores, so a boot that takes 40 s alone may take 55; a longer
# limit only slows down a test that fails anyway. LINTEL_TIMEOUT_SCALE overrides.
TIMEOUT_SCALE = float(os.environ.get("LINTEL_TIMEOUT_SCALE",
                                     "1.5" if os.environ.get("PYTEST_XDIST_WORKER") else "1"))



# Lines the hypervisor prints on the serial line that dom0's console shares:
# they can land in the middle of a command's output (even mid-line), e.g.
# Lintel's notes when a domain is torn down, or Xen's "(XEN)" lines.
HYPERVISOR_LINE = re.compile(r"(\(XEN\) |grant: d\d+: |pv-mm: |d\d+: (mfn |\d+ pages ))"
                             r"[^\r\n]*\r*\n")


def without_hypervisor_lines(text):
    """TEXT (a command's output) with the hypervisor's interleaved lines cut out."""
    return HYPERVISOR_LINE.sub("", text)


def scaled():
    return f" (x{TIMEOUT_SCALE:g})" if TIMEOUT_SCALE != 1 else ""


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SHELL_PROMPT = r"dom0:[^\r\n]*# "
TAIL_LINES = 40


class MachineError(AssertionError):
    """A wait on the console failed; the message carries the console's tail."""


class ConsoleLog:
    """pexpect's logfile_read: tees the console to a file and keeps the tail."""

    def __init__(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.file = open(path, "w", encoding="utf-8", errors="replace")
        self.tail = collections.deque(maxlen=TAIL_LINES)
        self.partial = ""

    def write(self, text):
        self.file.write(text)
        self.file.flush()
        lines = (self.partial + text.replace("\r", "")).split("\n")
        self.partial = lines.pop()
        self.tail.extend(lines)

    def flush(self):
        self.file.flush()

    def last_lines(self):
        lines = list(self.tail) + ([self.partial] if self.partial else [])
        return "\n".join(ANSI_ESCAPE.sub("", l) for l in lines[-TAIL_LINES:])

    def close(self):
        self.file.close()


class Machine:
    def __init__(self, hv="xen", name="machine", dom0_kernel=None, dom0_args=None,
                 dom0_image=paths.DOM0_IMAGE, hv_args=None, memory_mb=2048,
                 dom0_mem_mb=1024, smp=1, extra_modules=(), qemu_extra=(),
                 icount=False, qmp=False, no_modules=False):
        if hv not in DEFAULT_DOM0_ARGS:
            raise ValueError(f"unknown hypervisor {hv!r}: expected xen, lintel or native")
        self.hv = hv
        self.name = name
        self.dom0_kernel = dom0_kernel or paths.STOCK_KERNEL
        self.dom0_args = DEFAULT_DOM0_ARGS[hv] if dom0_args is None else dom0_args
        self.dom0_image = dom0_image
        self.hv_args = self.default_hv_args(dom0_mem_mb) if hv_args is None else hv_args
        self.memory_mb = memory_mb
        self.smp = smp
        self.extra_modules = list(extra_modules)
        self.qemu_extra = list(qemu_extra)
        self.icount = icount
        self.want_qmp = qmp
        # A hypervisor booted with no module at all (its "no dom0 kernel" path).
        self.no_modules = no_modules
        self.qmp = None
        self.proc = None
        self.log = None
        self.log_path = os.path.join(paths.TEST_LOGS, f"{safe_name(name)}.log")
        self.started_at = None
        self.tmpdir = None
        self._seq = 0

    def default_hv_args(self, dom0_mem_mb):
        if self.hv == "xen":
            # No noreboot: a Xen panic reboots, and -no-reboot turns that into an exit.
            return (f"console=com1 com1=115200,8n1 dom0_mem={dom0_mem_mb}M,max:{dom0_mem_mb}M "
                    "loglvl=all guest_loglvl=all")
        if self.hv == "lintel":
            return f"console=com1 loglvl=all dom0_mem={dom0_mem_mb}M"
        return ""

    # ---- the QEMU command line ------------------------------------------------

    def qemu_command(self):
        # signal=off: a Ctrl-C sent to the console reaches the guest instead of
        # killing QEMU.
        cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64", "-nodefaults",
               "-display", "none", "-no-reboot", "-chardev", "stdio,id=console,signal=off",
               "-serial", "chardev:console", "-monitor", "none",
               "-m", str(self.memory_mb), "-smp", str(self.smp)]
        if self.icount:
            # icount=True: guest time from instruction counts; a string is
            # the whole -icount option (e.g. "shift=0,sleep=off").
            cmd += ["-icount", self.icount if isinstance(self.icount, str) else "shift=0"]
        if self.want_qmp:
            cmd += ["-qmp", f"unix:{self.qmp_path},server=on,wait=off"]
        if self.hv == "native":
            cmd += ["-kernel", self.dom0_kernel, "-append", self.dom0_args]
            if self.dom0_image:
                cmd += ["-initrd", self.dom0_image]
        else:
            cmd += ["-kernel", paths.XEN_ELF if self.hv == "xen" else paths.LINTEL_ELF,
                    "-append", self.hv_args]
            if not self.no_modules:
                cmd += ["-initrd", self.module_list()]
        return cmd + self.qemu_extra

    def module_list(self):
        """QEMU's multiboot -initrd: "path args,path args,..."; QEMU splits on
        commas, so neither paths nor arguments may contain one."""
        modules = [(self.dom0_kernel, self.dom0_args)]
        if self.dom0_image:
            modules.append((self.dom0_image, ""))
        modules += self.extra_modules
        parts = []
        for path, args in modules:
            if "," in path or "," in args:
                raise ValueError(f"module {path!r} {args!r}: QEMU -initrd cannot carry commas")
            parts.append(f"{path} {args}".strip())
        return ",".join(parts)

    @property
    def qmp_path(self):
        return os.path.join(self.tmpdir, "qmp.sock")

    # ---- life cycle -----------------------------------------------------------

    def start(self):
        for needed in self.files_needed():
            if not os.path.exists(needed):
                raise MachineError(f"{self.name}: {needed} does not exist (run make first)")
        self.tmpdir = tempfile.mkdtemp(prefix="lintel-qemu-")
        self.log = ConsoleLog(self.log_path)
        cmd = self.qemu_command()
        self.log.file.write("# " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        self.started_at = time.monotonic()
        self.proc = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                                  codec_errors="replace", timeout=30, maxread=65536,
                                  searchwindowsize=None, dimensions=(50, 200))
        self.proc.logfile_read = self.log
        if self.want_qmp:
            self.qmp = Qmp(self.qmp_path)
        return self

    def files_needed(self):
        needed = [] if self.no_modules else [self.dom0_kernel]
        if self.dom0_image and not self.no_modules:
            needed.append(self.dom0_image)
        if self.hv == "xen":
            needed.append(paths.XEN_ELF)
        elif self.hv == "lintel":
            needed.append(paths.LINTEL_ELF)
        return needed + [p for p, _ in self.extra_modules]

    def close(self):
        if self.qmp:
            self.qmp.close()
            self.qmp = None
        if self.proc is not None:
            if self.proc.isalive():
                self.proc.terminate(force=True)
            self.proc.close(force=True)
            self.proc = None
        if self.log:
            self.log.close()
        if self.tmpdir:
            for f in os.listdir(self.tmpdir):
                os.unlink(os.path.join(self.tmpdir, f))
            os.rmdir(self.tmpdir)
            self.tmpdir = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def elapsed(self):
        return time.monotonic() - self.started_at

    # ---- the console ------------------------------------------------------------

    def fail(self, what):
        raise MachineError(f"{self.name} ({self.hv}): {what}\n"
                           f"--- last {TAIL_LINES} console lines ({self.log_path}) ---\n"
                           f"{self.log.last_lines()}")

    def expect(self, pattern, timeout=60, fatal=True):
        """Waits for a regex on the console and returns its match. Stops early on
        a fatal line (a panic) unless fatal=False, and when QEMU exits."""
        patterns = [pattern] + (FATAL_PATTERNS if fatal else [])
        try:
            index = self.proc.expect(patterns, timeout=timeout * TIMEOUT_SCALE)
        except pexpect.TIMEOUT:
            self.fail(f"timed out after {timeout:g}s{scaled()} waiting for {pattern!r}")
        except pexpect.EOF:
            self.fail(f"QEMU exited while waiting for {pattern!r}")
        if index != 0:
            self.fail(f"fatal console line while waiting for {pattern!r}: "
                      f"{self.proc.match.group(0)!r}")
        return self.proc.match

    def send(self, text, chunk=64, pause=0.01):
        """Types text on the console. Long text goes in small chunks: a busy
        guest's serial input drops bytes that arrive faster than it drains."""
        for i in range(0, len(text), chunk):
            self.proc.send(text[i:i + chunk])
            if i + chunk < len(text):
                time.sleep(pause)

    def wait_shell(self, timeout=180):
        """Waits for dom0's init to finish and its shell; turns echo off so run()
        sees only what commands print."""
        self.expect(r"lintel-dom0: ready", timeout=timeout)
        self.expect(SHELL_PROMPT, timeout=60)
        self.send("stty -echo; PS2=''\n")
        self.expect(SHELL_PROMPT, timeout=30)
        self.run("true", timeout=30)

    def run(self, command, timeout=60):
        """Runs a shell command in dom0; returns (output, exit status), the output
        without \\r and without its final newline."""
        self._seq += 1
        n = self._seq
        begin, end = f"__LINTEL_B{n}__", f"__LINTEL_E{n}_"
        # The markers are built by printf at run time, so an echo of the command
        # line could never match them.
        # One compound command, so no prompt comes between the command and the
        # end marker; the braces on lines of their own let the command end in &
        # or span lines (wait_shell empties PS2, so continuations print nothing).
        self.send(f"printf '%s\\n' '{begin[:6]}''{begin[6:]}'; {{\n{command}\n}}; "
                  f"printf '\\n%s%s__\\n' '{end[:6]}''{end[6:]}' \"$?\"\n")
        self.expect(re.escape(begin) + r"\r*\n", timeout=timeout)
        match = self.expect(r"(?s)(.*?)\r*\n" + re.escape(end) + r"(\d+)__", timeout=timeout)
        output = ANSI_ESCAPE.sub("", match.group(1).replace("\r", ""))
        if output.endswith("\n"):
            output = output[:-1]
        return output, int(match.group(2))

    def check(self, command, timeout=60):
        """run() that fails unless the command exits 0; returns the output."""
        output, status = self.run(command, timeout=timeout)
        if status != 0:
            self.fail(f"`{command}` exited with {status}:\n{output}")
        return output

    def wait_exit(self, timeout=60):
        """Waits for QEMU to exit on its own; returns its exit status."""
        try:
            self.proc.expect(pexpect.EOF, timeout=timeout * TIMEOUT_SCALE)
        except pexpect.TIMEOUT:
            self.fail(f"QEMU still running after {timeout:g}s{scaled()}")
        self.proc.wait()
        return self.proc.exitstatus if self.proc.exitstatus is not None else -1

    def console_text(self):
        """Everything the console printed so far, escapes and \\r removed."""
        self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return ANSI_ESCAPE.sub("", f.read().replace("\r", ""))


def safe_name(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:150] or "machine"
