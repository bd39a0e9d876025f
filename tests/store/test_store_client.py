"""liblintelstore is a drop-in for libxenstore: one program, built against
each, prints the same against lintel-stored; our build also runs unchanged
against Debian's xenstored. lintel-store (the CLI) is checked here too."""
import os
import subprocess

import pytest

from stored import BUILD, CLI, REPO
from refstored import RefStored

PROBE = os.path.join(os.path.dirname(__file__), "xs_api_probe.c")


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    out = tmp_path_factory.mktemp("probe")
    debian, ours = str(out / "probe-libxenstore"), str(out / "probe-lintel")
    subprocess.run(["gcc", "-Wall", "-Werror", "-o", debian, PROBE, "-lxenstore"], check=True)
    subprocess.run(["gcc", "-Wall", "-Werror", "-I", os.path.join(REPO, "xenstore", "include"),
                    "-o", ours, PROBE, os.path.join(BUILD, "lib", "liblintelstore.a"),
                    "-lpthread"], check=True)
    return debian, ours


def run(binary, env, *args):
    p = subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_same_output_with_either_library(stored, probes):
    stored.guest(42, introduce=False)            # a ring page for xs_introduce_domain
    debian = run(probes[0], stored.env, "--domains")
    ours = run(probes[1], stored.env, "--domains")
    assert ours == debian
    assert "conflict errno is EAGAIN: yes" in ours
    assert "event: /probe/w/child tok" in ours
    assert "introduce 42: ok" in ours


def test_our_library_against_debians_xenstored(stored, probes, tmp_path):
    ref = RefStored("xenstored", tmp_path / "ref").start()
    try:
        assert run(probes[1], ref.env) == run(probes[0], stored.env)
    finally:
        ref.stop()


def cli(stored, *args, rc=0):
    p = subprocess.run([CLI, *args], env=stored.env, capture_output=True, text=True, timeout=10)
    assert p.returncode == rc, (args, p.stdout, p.stderr)
    return p.stdout, p.stderr


def test_cli(stored):
    cli(stored, "write", "/c/a", "1", "/c/b/x", "two words")
    assert cli(stored, "read", "/c/a", "/c/b/x")[0] == "1\ntwo words\n"
    assert cli(stored, "ls", "/c")[0] == 'a = "1"\nb = ""\n'
    assert cli(stored, "ls", "-r", "/c")[0] == '/c/a = "1"\n/c/b = ""\n/c/b/x = "two words"\n'
    cli(stored, "exists", "/c/a")
    cli(stored, "exists", "/c/zz", rc=1)
    cli(stored, "mkdir", "/c/d")
    cli(stored, "chmod", "/c/a", "n3", "r4")
    with stored.client() as c:
        assert c.get_perms("/c/a") == ["n3", "r4"]
    err = cli(stored, "chmod", "/c/a", "q3", rc=2)[1]
    assert 'invalid permission "q3"' in err
    cli(stored, "rm", "/c/b")
    assert cli(stored, "ls", "/c")[0] == 'a = "1"\nd = ""\n'
    err = cli(stored, "read", "/c/b/x", rc=1)[1]
    assert "cannot read /c/b/x: No such file or directory" in err
    assert "unknown command" in cli(stored, "frob", rc=2)[1]
    assert "usage" in cli(stored, "write", "/only-path", rc=2)[1]


def test_cli_watch(stored):
    w = subprocess.Popen([CLI, "watch", "-n", "3", "/cw"], env=stored.env,
                         stdout=subprocess.PIPE, text=True)
    import time
    time.sleep(0.3)
    cli(stored, "write", "/cw/1", "x")
    cli(stored, "rm", "/cw")
    out, _ = w.communicate(timeout=10)
    assert out.splitlines() == ["/cw", "/cw/1", "/cw"]


def test_cli_without_a_store(tmp_path):
    env = dict(os.environ, XENSTORED_PATH=str(tmp_path / "nothing"))
    p = subprocess.run([CLI, "read", "/x"], env=env, capture_output=True, text=True)
    assert p.returncode == 1 and "cannot reach the store" in p.stderr
