"""Domain names through the store: `lintel domid` and `lintel domname`
against a real lintel-stored (socket only, no hypervisor needed)."""
import os
import subprocess
import time

import pytest

from toolstack_cli import BUILD, run_lintel

STORED = BUILD / "xenstore" / "bin" / "lintel-stored"
STORE_CLI = BUILD / "xenstore" / "bin" / "lintel-store"


@pytest.fixture
def store(tmp_path, monkeypatch):
    assert STORED.exists() and STORE_CLI.exists(), "the store is not built (make -C xenstore)"
    stored = STORED
    socket = tmp_path / "socket"
    proc = subprocess.Popen([str(stored), "--socket", str(socket), "--state",
                             str(tmp_path / "state"), "--no-dom0-ring", "--foreground"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        assert socket.exists(), proc.stderr.read1().decode() if proc.poll() else "no socket"
        monkeypatch.setenv("XENSTORED_PATH", str(socket))

        def write(path, value):
            subprocess.run([str(STORE_CLI), "write", path, value], check=True,
                           env=dict(os.environ, XENSTORED_PATH=str(socket)))
        yield write
    finally:
        proc.kill()
        proc.wait()


def test_names_resolve_both_ways(lintel, store):
    store("/local/domain/3/name", "web")
    store("/local/domain/7/name", "db")
    assert run_lintel(lintel, "domid", "web").stdout == "3\n"
    assert run_lintel(lintel, "domid", "db").stdout == "7\n"
    assert run_lintel(lintel, "domname", "7").stdout == "db\n"
    # dom0's name holds even where nothing recorded it.
    assert run_lintel(lintel, "domid", "Domain-0").stdout == "0\n"
    assert run_lintel(lintel, "domname", "0").stdout == "Domain-0\n"


def test_unknown_and_ambiguous_names_are_errors(lintel, store):
    store("/local/domain/3/name", "twin")
    store("/local/domain/4/name", "twin")
    result = run_lintel(lintel, "domid", "nobody")
    assert (result.returncode, result.stderr) == (1, 'lintel domid: no domain named "nobody"\n')
    result = run_lintel(lintel, "domid", "twin")
    assert result.returncode == 1 and 'more than one domain is named "twin"' in result.stderr
    result = run_lintel(lintel, "domname", "12")
    assert (result.returncode, result.stderr) == (1, "lintel domname: no name recorded "
                                                     "for domain 12\n")
    result = run_lintel(lintel, "domname", "web")
    assert result.returncode == 2 and 'invalid DOMID "web"' in result.stderr


def test_without_a_store_names_fail_clearly(lintel, tmp_path, monkeypatch):
    monkeypatch.setenv("XENSTORED_PATH", str(tmp_path / "no-such-socket"))
    result = run_lintel(lintel, "domid", "web")
    assert result.returncode == 1
    assert "cannot connect to the store" in result.stderr
