"""The store's state survives a restart of lintel-stored (clean or killed)."""
import signal
import time

from xsproto import IS_DOMAIN_INTRODUCED, strings


def test_restart_keeps_entries_permissions_and_order(stored):
    with stored.client() as c:
        c.write("/local/domain/3/name", "web")
        c.write("/local/domain/3/b", "2")
        c.write("/local/domain/3/a", "1")
        c.set_perms("/local/domain/3/name", "n3", "r0")
    stored.restart()
    with stored.client() as c:
        assert c.read("/local/domain/3/name") == b"web"
        assert c.directory("/local/domain/3") == ["name", "b", "a"]
        assert c.get_perms("/local/domain/3/name") == ["n3", "r0"]


def test_kill_9_loses_nothing_that_was_acknowledged_a_moment_ago(stored):
    with stored.client() as c:
        for i in range(50):
            c.write(f"/k/{i}", str(i))
    time.sleep(0.3)                      # the daemon saves within 50 ms of a change
    stored.restart(signal.SIGKILL)
    with stored.client() as c:
        assert len(c.directory("/k")) == 50


def test_guests_stay_introduced_with_their_watches(stored):
    with stored.client() as c:
        c.mkdir("/local/domain/4")
        c.set_perms("/local/domain/4", "n4")
    g = stored.guest(4)
    time.sleep(0.3)                      # past the save interval: the watch is saved at once
    g.watch("control/shutdown", "shut")
    assert g.event() == ("control/shutdown", "shut")
    stored.restart(signal.SIGKILL)       # only what was already saved counts
    with stored.client() as c:
        assert c.request(IS_DOMAIN_INTRODUCED, strings("4")) == b"T\0"
        c.write("/local/domain/4/control/shutdown", "poweroff")
    assert g.event() == ("control/shutdown", "shut")
    assert g.read("control/shutdown") == b"poweroff"


def test_damaged_state_file_starts_empty_not_crashed(stored):
    stored.stop()
    with open(stored.state, "wb") as f:
        f.write(b"LINTEL-STORED-STATE 1\nN\xff\xff")
    stored.start()
    with stored.client() as c:
        assert c.read("/tool/xenstored") == b""
    assert "damaged" in open(stored.log).read()
