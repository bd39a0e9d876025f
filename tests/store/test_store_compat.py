"""Debian's xenstore-utils against lintel-stored give the same results as
against Debian's own xenstored (and oxenstored), all three run side by side
in this test (see refstored.py for how Debian's daemons run hypervisor-less)."""
import subprocess
import time

import pytest

from refstored import RefStored

# One xenstore-utils command per step; each step's rc, stdout and stderr are compared.
STEPS = [
    ["xenstore-write", "/t/a", "1", "/t/b/c", "two words", "/t/b/d", ""],
    ["xenstore-read", "/t/a", "/t/b/c"],
    ["xenstore-read", "/t/missing"],
    ["xenstore-ls", "/t"],
    ["xenstore-ls", "-f", "/t"],
    ["xenstore-ls", "-p", "/t"],
    ["xenstore-list", "/t"],
    ["xenstore-exists", "/t/a"],
    ["xenstore-exists", "/t/nope"],
    ["xenstore-chmod", "/t/a", "n1", "r2", "w3"],
    ["xenstore-chmod", "-r", "/t/b", "b4"],
    ["xenstore-ls", "-p", "/t"],
    ["xenstore-chmod", "/t/nope", "n0"],
    ["xenstore-write", "/t/bin", "x\x01y\\"],
    ["xenstore-ls", "/t"],
    ["xenstore-write", "relative", "to-dom0-home"],
    ["xenstore-read", "/local/domain/0/relative"],
    ["xenstore-rm", "/t/b"],
    ["xenstore-rm", "/t/b"],
    ["xenstore-rm", "/t/x/y"],
    ["xenstore-ls", "-f", "/t"],
    ["xenstore-write", "/bad path", "x"],
    ["xenstore-write", "/t/trailing/", "x"],
    ["xenstore-read", "/t//a"],
    ["xenstore-rm", "-t", "/t/a"],
    ["xenstore-ls", "-f", "/t"],
]

# A directory too big for one reply: libxenstore falls back to DIRECTORY_PART.
# Compared with the C xenstored only: oxenstored 4.17 fails this listing.
BIG_DIRECTORY_STEPS = [
    ["xenstore-write"] + [x for i in range(200)
                          for x in (f"/huge/a-rather-long-child-name-number-{i:04d}", str(i))],
    ["xenstore-list", "/huge"],
]


# The special nodes: not readable, writable or removable, but their
# permissions can be set (they decide which guests see the domain events).
# Compared with the C xenstored only: oxenstored 4.17 treats them as plain nodes.
SPECIAL_NODE_STEPS = [
    ["xenstore-read", "@introduceDomain"],
    ["xenstore-exists", "@introduceDomain"],
    ["xenstore-write", "@introduceDomain", "x"],
    ["xenstore-rm", "@releaseDomain"],
    ["xenstore-chmod", "@introduceDomain", "n0", "r5"],
    ["xenstore-list", "@introduceDomain"],
    ["xenstore-chmod", "@releaseDomain", "b3"],
    ["xenstore-read", "@bogus"],
    ["xenstore-chmod", "@bogus", "n0"],
    ["xenstore-write", "@bogus", "v"],
]


def run_steps(env, steps=STEPS):
    out = []
    for cmd in steps:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=10)
        out.append((cmd, p.returncode, p.stdout, p.stderr))
    return out


def watch_output(env):
    """xenstore-watch's event lines while another client writes and removes."""
    w = subprocess.Popen(["xenstore-watch", "-n", "5", "/w"], env=env, stdout=subprocess.PIPE,
                         text=True)
    time.sleep(0.3)                      # the watch is registered before we change things
    for cmd in (["xenstore-write", "/w/1", "a"], ["xenstore-write", "/w/2/x", "b"],
                ["xenstore-write", "/other", "c"], ["xenstore-rm", "/w/2"],
                ["xenstore-write", "/w", "d"]):
        subprocess.run(cmd, env=env, check=True)
    out, _ = w.communicate(timeout=10)
    return out.splitlines()


@pytest.fixture(params=["xenstored", "oxenstored"])
def reference(request, tmp_path):
    ref = RefStored(request.param, tmp_path / request.param).start()
    yield ref
    ref.stop()


def test_xenstore_utils_same_results(stored, reference):
    big = reference.kind == "xenstored"
    steps = STEPS + (BIG_DIRECTORY_STEPS + SPECIAL_NODE_STEPS if big else [])
    ours, theirs = run_steps(stored.env, steps), run_steps(reference.env, steps)
    if big:
        listing = ours[len(STEPS) + len(BIG_DIRECTORY_STEPS) - 1]
        assert listing[1:3] == (0, "".join(f"a-rather-long-child-name-number-{i:04d}\n"
                                            for i in range(200)))
    for mine, ref in zip(ours, theirs):
        assert mine == ref, f"{reference.kind} differs"
    assert reference.alive()


def test_xenstore_watch_same_events(stored, reference):
    assert watch_output(stored.env) == watch_output(reference.env)
