"""Every invalid config in bad-configs/ is refused with its named error.

Each corpus file states the message it must produce in its first line:
    # expect: line 3: unknown key "memroy"          (xl.cfg)
    <!-- expect: line 4: /domain/memory: ... -->      (libvirt XML)
"line N: reason" means stderr must contain "FILE:N: reason"; an expectation
without a line means "FILE: reason" (a problem with the file as a whole).
"""
import pathlib
import re

import pytest

from toolstack_cli import run_lintel

CORPUS = pathlib.Path(__file__).parent / "bad-configs"
FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".cfg", ".xml"))

EXPECT_RE = re.compile(r"^(?:#|<!--) expect: (.*?)(?: -->)?$")
LINE_RE = re.compile(r"^line (\d+): (.*)$")


def expected_message(path):
    first = path.read_text().splitlines()[0]
    m = EXPECT_RE.match(first)
    assert m, f"{path.name}: first line must be an expect: comment"
    expect = m.group(1)
    line = LINE_RE.match(expect)
    if line:
        return f"{path}:{line.group(1)}: {line.group(2)}"
    return f"{path}: {expect}"


def test_corpus_is_not_empty():
    assert len([p for p in FILES if p.suffix == ".cfg"]) >= 20
    assert len([p for p in FILES if p.suffix == ".xml"]) >= 15


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_bad_config_is_refused_with_named_error(lintel, guest_files, path):
    result = run_lintel(lintel, "check-config", path, cwd=guest_files)
    assert result.returncode == 1, result
    assert result.stdout == "", "a refused config must not print a domain"
    assert result.stderr.startswith("lintel check-config: ")
    assert expected_message(path) in result.stderr
    assert result.stderr.count("\n") == 1, "one message, one line"
