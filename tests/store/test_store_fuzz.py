"""libFuzzer on the request parser and the engine (xenstore/fuzz/fuzz_store.c)
and on the state file loader (fuzz_state.c): briefly in `make test`, for long
in `make soak`. Seeds are valid requests and a real state file, so the fuzzers
start deep inside."""
import os
import subprocess

import pytest

from stored import BUILD, Stored
import xsproto as xp

FUZZ_DIR = os.path.join(BUILD, "fuzz")


def frame(who, mtype, payload, tx=0):
    """The fuzz input format: a byte choosing the client (0 dom0, 1 domain 5), then a message."""
    return bytes([who]) + xp.HDR.pack(mtype, 1, tx, len(payload)) + payload


def seeds():
    s = xp.strings
    yield frame(0, xp.WRITE, b"/local/domain/5\0x") + frame(0, xp.SET_PERMS, s("/local/domain/5", "n5"))
    yield frame(1, xp.WRITE, b"data/a\0v") + frame(1, xp.READ, s("data/a")) + frame(1, xp.RM, s("data"))
    yield frame(0, xp.TRANSACTION_START, b"\0") + frame(0, xp.WRITE, b"/t\0x", tx=1) + \
        frame(0, xp.TRANSACTION_END, s("T"), tx=1)
    yield frame(0, xp.WATCH, s("/w", "t")) + frame(1, xp.WATCH, s("@releaseDomain", "r")) + \
        frame(0, xp.WRITE, b"/w/x\0") + frame(0, xp.RM, s("/w"))
    yield frame(0, xp.INTRODUCE, s("3", "1", "2")) + frame(0, xp.SET_TARGET, s("3", "5")) + \
        frame(0, xp.RELEASE, s("3"))
    yield frame(0, xp.MKDIR, s("/d/e")) + frame(0, xp.DIRECTORY_PART, s("/d", "0")) + \
        frame(0, xp.GET_PERMS, s("/d/e")) + frame(0, xp.CONTROL, s("quota", "entries", "2"))


def state_seeds(tmp_path):
    d = Stored(tmp_path / "seed-daemon")
    d.start()
    with d.client() as c:
        c.write("/local/domain/4/name", "seed")
        c.set_perms("/local/domain/4", "n4", "r0")
    g = d.guest(4)
    g.watch("name", "tok")
    d.stop()
    g.close()
    yield open(d.state, "rb").read()


def run_fuzzer(tmp_path, target, seeds, seconds):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, seed in enumerate(seeds):
        (corpus / f"seed{i}").write_bytes(seed)
    p = subprocess.run([os.path.join(FUZZ_DIR, target), f"-max_total_time={seconds}",
                        "-max_len=8192", f"-artifact_prefix={tmp_path}/", "-print_final_stats=1",
                        str(corpus)],
                       capture_output=True, text=True, timeout=seconds + 120)
    crashes = [f for f in os.listdir(tmp_path) if f.startswith(("crash-", "leak-", "timeout-"))]
    assert p.returncode == 0 and not crashes, p.stderr[-3000:]
    assert "Done" in p.stderr


def test_fuzz_requests_briefly(tmp_path):
    run_fuzzer(tmp_path, "fuzz_store", seeds(), 15)


def test_fuzz_state_file_briefly(tmp_path):
    run_fuzzer(tmp_path, "fuzz_state", list(state_seeds(tmp_path)), 10)


@pytest.mark.soak
def test_fuzz_requests_long(tmp_path):
    run_fuzzer(tmp_path, "fuzz_store", seeds(), 1800)


@pytest.mark.soak
def test_fuzz_state_file_long(tmp_path):
    run_fuzzer(tmp_path, "fuzz_state", list(state_seeds(tmp_path)), 600)
