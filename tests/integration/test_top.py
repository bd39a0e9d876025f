"""lintel-top in dom0, used as a person and a script would use it.

One dom0 per hypervisor (the dom0-xentools image, whose xl starts domUs) with
a `spin` domU burning its vCPU. The batch and JSON output are checked line by
line against `lintel list --json` and `xl info`; the screen is driven through
the serial console, which is a real terminal: keys go in with Machine.send and
what comes out is rendered by pyte at the size set with stty, then read back.
"""
import json
import re
import time

import pyte
import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine

SPIN = "/usr/lib/lintel/test-kernels/spin.elf"
# Wide enough for every column, the device counters included.
ROWS, COLS = 40, 180
# pyte renders the VT100/xterm subset; xterm-color's terminfo keeps ncurses to it
# (Debian's xterm entry also uses REP and SU, which pyte lacks).
TERM = "xterm-color"
BATCH_COLUMNS = ["NAME", "ID", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)",
                 "MAXMEM(k)", "VCPUS", "NETS", "NETTX(k)", "NETRX(k)", "VBDS", "VBD_RD",
                 "VBD_WR", "VBD_RSECT", "VBD_WSECT"]
# xentop's tolerance for a domain known to use one whole pCPU.
CPU_TOLERANCE = 10.0


def spin_config(name):
    # pCPU 1 is the domU's alone (dom0 is pinned to pCPU 0), so "one whole pCPU"
    # is what it really gets, whatever dom0 does meanwhile.
    return [f'name = "{name}"', f'kernel = "{SPIN}"', "memory = 16", "vcpus = 1",
            'cpus = "1"']


def create_domain(m, name, paused=False):
    m.run(f"rm -f /tmp/{name}.cfg", timeout=10)
    for line in spin_config(name):
        m.run(f"echo '{line}' >> /tmp/{name}.cfg", timeout=10)
    out, status = m.run(f"xl create {'-p ' if paused else ''}/tmp/{name}.cfg 2>&1",
                        timeout=120)
    assert status == 0, out


@pytest.fixture(scope="module", params=hypervisors())
def host(request):
    hv = request.param
    with Machine(hv=hv, name=f"top-{hv}", dom0_image=paths.DOM0_XENTOOLS_IMAGE, smp=2,
                 dom0_args="console=hvc0 earlyprintk=xen lintel.store=xenstored") as m:
        m.start()
        m.wait_shell(timeout=240)
        out, status = m.run(f"test -x /usr/sbin/lintel-top && test -f {SPIN}", timeout=10)
        assert status == 0, "lintel-top or the spin kernel is not in the dom0 image: run make"
        # xenconsole's lock directory is missing from the image (reported to its owner).
        m.run("mkdir -p /var/lock", timeout=10)
        out, status = m.run("xl vcpu-pin Domain-0 all 0 2>&1", timeout=30)
        assert status == 0, out
        create_domain(m, "spin1")
        yield m


def lintel_list(m):
    out, status = m.run("lintel list --json", timeout=30)
    assert status == 0, out
    return {d["name"]: d for d in json.loads(out)}


def parse_batch(text):
    """Refreshes of -b output: (host key=values, header, rows as field lists, vcpu lines)."""
    frames = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        assert lines[0].startswith("host "), lines[0]
        host = dict(kv.split("=", 1) for kv in lines[0].split()[1:])
        header = lines[1].split()
        rows, vcpus = [], []
        for line in lines[2:]:
            if line.startswith("vcpu "):
                vcpus.append(dict(kv.split("=", 1) for kv in line.split()[1:]))
            else:
                rows.append(line.split())
        frames.append((host, header, rows, vcpus))
    return frames


def test_batch_lines_match_the_toolstack(host):
    out, status = host.run("lintel-top -b -i 2 -d 1", timeout=60)
    assert status == 0, out
    listed = lintel_list(host)
    frames = parse_batch(out)
    assert len(frames) == 2
    info, _ = host.run("xl info", timeout=30)
    xl_info = dict(re.findall(r"^(\w+)\s*:\s*(.*)$", info, re.M))
    for hostline, header, rows, _ in frames:
        assert header == BATCH_COLUMNS
        assert int(hostline["pcpus"]) == int(xl_info["nr_cpus"])
        # xl info rounds total memory down to MiB.
        assert int(hostline["total_kib"]) // 1024 == int(xl_info["total_memory"])
        assert int(hostline["domains"]) == len(listed) == len(rows)
        states = ["running", "blocked", "paused", "shutdown", "crashed", "dying"]
        assert sum(int(hostline[s]) for s in states) == len(rows)
        assert hostline["hypervisor"] == ("Lintel" if host.hv == "lintel" else "Xen")
        assert hostline["version"].startswith("4.17")
        for fields in rows:
            assert len(fields) == len(header), fields
            row = dict(zip(header, fields))
            dom = listed[row["NAME"]]
            assert int(row["ID"]) == dom["domid"]
            assert int(row["MEM(k)"]) == dom["memory_kib"]
            assert row["MAXMEM(k)"] in (str(dom["max_memory_kib"]), "unlimited")
            assert int(row["VCPUS"]) == dom["vcpus_online"]
            assert row["STATE"][2] == ("p" if dom["paused"] else "-")
            assert abs(float(row["CPU(sec)"]) - dom["cpu_time_ns"] / 1e9) < 30
            assert float(row["MEM(%)"]) == pytest.approx(
                100.0 * dom["memory_kib"] / int(hostline["total_kib"]), abs=0.06)
    # Default order: busiest first, and the spinning domain is the busiest.
    assert frames[1][2][0][0] == "spin1"


def test_json_batch_matches_the_toolstack(host):
    out, status = host.run("lintel-top --json -i 2 -d 1 -V", timeout=60)
    assert status == 0, out
    listed = lintel_list(host)
    lines = out.splitlines()
    assert len(lines) == 2
    for line in lines:
        frame = json.loads(line)
        assert frame["host"]["domains"] == len(frame["domains"]) == len(listed)
        for d in frame["domains"]:
            dom = listed[d["name"]]
            assert d["id"] == dom["domid"]
            assert d["state"][2] == ("p" if dom["paused"] else "-")
            assert d["mem_kib"] == dom["memory_kib"]
            assert d["vcpus"] == dom["vcpus_online"]
            assert len(d["vcpu_list"]) == dom["max_vcpus"]
            # The spinners have no devices; dom0 serves none to itself.
            assert (d["nets"], d["vbds"], d["net_tx_kib"], d["vbd_rd"]) == (0, 0, 0, 0)
    spin = next(d for d in json.loads(lines[1])["domains"] if d["name"] == "spin1")
    assert spin["cpu_pct"] == pytest.approx(100.0, abs=CPU_TOLERANCE)
    assert spin["vcpu_list"][0]["cpu_pct"] == pytest.approx(100.0, abs=CPU_TOLERANCE)


def test_bad_options_are_refused_with_a_reason(host):
    for args, reason in [("-d 0", 'invalid delay "0"'), ("-i x", 'invalid iteration count "x"'),
                         ("-s memory", 'invalid sort column "memory"'),
                         ("--bogus", 'unknown option "--bogus"')]:
        out, status = host.run(f"lintel-top {args} 2>&1", timeout=30)
        assert status == 2, out
        assert reason in out


class Terminal:
    """The console as a terminal: everything QEMU prints after attach() is also
    fed to a pyte screen of ROWS x COLS."""

    def __init__(self, machine):
        self.machine = machine
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.log = machine.proc.logfile_read

    def write(self, text):
        self.log.write(text)
        self.stream.feed(text)

    def flush(self):
        self.log.flush()

    def __enter__(self):
        self.machine.proc.logfile_read = self
        return self

    def __exit__(self, *exc):
        self.machine.proc.logfile_read = self.log

    def pump(self, seconds):
        """Lets the console run for SECONDS, rendering what arrives."""
        try:
            self.machine.proc.expect("(?!x)x", timeout=seconds)
        except Exception:  # pexpect.TIMEOUT: nothing to match, by design
            pass

    def lines(self):
        return [line.rstrip() for line in self.screen.display]

    def text(self):
        return "\n".join(self.lines())

    def wait_for(self, predicate, what, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return
            self.pump(0.5)
        raise AssertionError(f"screen never showed {what}; it shows:\n{self.text()}")

    def clock(self):
        match = re.match(r"lintel-top - (\d\d:\d\d:\d\d)", self.lines()[0])
        return match.group(1) if match else None

    def wait_refreshes(self, count, timeout=60):
        """Waits until the header's clock moved COUNT times: so many new samples."""
        seen = [self.clock()]

        def moved(term):
            now = term.clock()
            if now and now != seen[-1]:
                seen.append(now)
            return len(seen) > count
        self.wait_for(moved, f"{count} refreshes", timeout=timeout)

    def press(self, keys):
        self.machine.send(keys)

    def table(self):
        """The domain rows under the column header, as {name: fields}."""
        lines = self.lines()
        header_at = next(i for i, l in enumerate(lines) if l.startswith("NAME "))
        header = lines[header_at].split()
        rows = {}
        for line in lines[header_at + 1:]:
            fields = line.split()
            if len(fields) == len(header) and not line.startswith(" "):
                rows[fields[0]] = dict(zip(header, fields))
        return header, rows

    def row_names(self):
        lines = self.lines()
        header_at = next(i for i, l in enumerate(lines) if l.startswith("NAME "))
        return [l.split()[0] for l in lines[header_at + 1:ROWS - 1]
                if l and not l.startswith(" ")]


def shows_rows(*names):
    def predicate(term):
        try:
            return set(names) <= set(term.table()[1])
        except StopIteration:
            return False
    return predicate


def at_prompt(term):
    return re.match(r"dom0:.*#$", term.screen.display[term.screen.cursor.y].rstrip()) is not None


def cpu_of(term, name):
    return float(term.table()[1][name]["CPU(%)"])


def test_screen_driven_by_keys(host):
    listed = lintel_list(host)
    host.run(f"stty rows {ROWS} cols {COLS}", timeout=10)
    with Terminal(host) as term:
        term.press(f"TERM={TERM} lintel-top -d 1\n")
        term.wait_for(shows_rows("Domain-0", "spin1"), "the domain rows")
        header = term.lines()
        assert header[0].startswith("lintel-top - ")
        assert ("Lintel 4.17" if host.hv == "lintel" else "Xen 4.17") in header[0]
        assert header[1].startswith(f"{len(listed)} domains:")
        assert re.search(r"Mem: \d+k total, \d+k used, \d+k free +CPUs: 2", header[2])
        # After a refresh, CPU% covers a whole interval.
        term.wait_refreshes(2)
        columns, rows = term.table()
        assert columns == BATCH_COLUMNS
        for name, dom in listed.items():
            assert int(rows[name]["ID"]) == dom["domid"]
            assert int(rows[name]["MEM(k)"]) == dom["memory_kib"]
            assert int(rows[name]["VCPUS"]) == dom["vcpus_online"]
        assert cpu_of(term, "spin1") == pytest.approx(100.0, abs=CPU_TOLERANCE)

        term.press("N")     # sort by name, ascending
        term.wait_for(lambda t: t.row_names() == sorted(listed, key=str.lower), "rows by name")
        assert "sort NAME asc" in term.lines()[0]
        term.press("r")
        term.wait_for(lambda t: t.row_names() == sorted(listed, key=str.lower, reverse=True),
                      "rows by name, reversed")

        term.press("h")
        # Its last line: the screen arrives in pieces over the serial line.
        term.wait_for(lambda t: t.lines()[0] == "lintel-top keys" and
                      any(l.startswith("States:") for l in t.lines()), "the help screen")
        assert any("show/hide a column" in l for l in term.lines())
        assert any(l.split()[:2] == ["C", "CPU(%)"] for l in term.lines() if l.strip())
        term.press(" ")
        term.wait_for(shows_rows("spin1"), "the table again")

        term.press("/")
        term.wait_for(lambda t: "Show names containing" in t.lines()[-1], "the search prompt")
        term.press("spin\r")
        term.wait_for(lambda t: t.row_names() == ["spin1"], "only spin1")
        term.press("/\r")
        term.wait_for(lambda t: len(t.row_names()) == len(listed), "every domain again")

        term.press("f")
        term.wait_for(lambda t: "Show/hide column" in t.lines()[-1], "the column prompt")
        term.press("P\r")
        term.wait_for(lambda t: "MEM(%)" not in t.text(), "the table without MEM(%)")
        assert "MEM(k)" in term.text()

        term.press("d")
        term.wait_for(lambda t: "Delay in seconds" in t.lines()[-1], "the delay prompt")
        term.press("2\r")
        term.wait_for(lambda t: "delay 2.0s" in t.lines()[0], "the new delay")

        # Select spin1 (name order, reversed: spin1 first) and open its vCPU rows.
        term.press("k")
        term.press("v")
        term.wait_for(lambda t: any(l.strip().startswith("vCPU 0") for l in t.lines()),
                      "spin1's vCPU row")

        term.press("q")
        term.wait_for(at_prompt, "the shell prompt after q")
    out, status = host.run("echo back", timeout=20)
    assert (out, status) == ("back", 0)


def test_paused_domain_shows_no_cpu(host):
    host.run("xl pause spin1", timeout=30)
    try:
        with Terminal(host) as term:
            term.press(f"TERM={TERM} lintel-top -d 1\n")
            term.wait_for(shows_rows("spin1"), "the spin1 row")
            term.wait_refreshes(2)
            row = term.table()[1]["spin1"]
            assert row["STATE"][2] == "p"
            assert float(row["CPU(%)"]) == 0.0
            assert "1 paused" in term.lines()[1]
            term.press("q")
            term.wait_for(at_prompt, "the shell prompt after q")
        assert lintel_list(host)["spin1"]["paused"]
    finally:
        host.run("xl unpause spin1", timeout=30)
