"""Small helpers for commands typed into dom0's shell (Machine.run)."""
import re
import time


def shell_quote(text):
    """TEXT as one single-quoted word for dom0's shell."""
    return "'" + text.replace("'", "'\\''") + "'"


def wait_for(machine, command, pattern, timeout=120):
    """Runs COMMAND in dom0 until its output matches PATTERN; returns the match."""
    deadline = time.monotonic() + timeout
    out = ""
    while time.monotonic() < deadline:
        out, _ = machine.run(command, timeout=60)
        m = re.search(pattern, out)
        if m:
            return m
        time.sleep(2)
    machine.fail(f"`{command}` never matched {pattern!r}; last output:\n{out}")
