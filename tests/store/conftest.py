"""Fixtures for lintel-stored's host tests: a real daemon on a private socket."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from stored import BUILD, CLI, REPO, STORED, Stored  # noqa: E402,F401


@pytest.fixture
def stored(tmp_path):
    s = Stored(tmp_path)
    s.start()
    yield s
    assert s.alive(), "lintel-stored died during the test: " + open(s.log).read()
    s.close()


@pytest.fixture
def make_stored(tmp_path):
    """Starts daemons with extra arguments (quota settings and the like)."""
    made = []

    def make(*args, name="d"):
        s = Stored(tmp_path / name, args)
        s.start()
        made.append(s)
        return s
    yield make
    for s in made:
        s.close()
