"""Guests through their shared ring page: permissions, quotas, relative paths,
and rings a guest corrupts. The ring is a file here (--ring-dir); the bytes and
indexes are those a Xen guest shares with the store."""
import time

import pytest

from xsproto import (ERROR_FIELD, HDR, READ, REQ_CONS, REQ_PROD, RSP_CONS, RSP_PROD,
                     SERVER_FEATURES, WRITE, XsError, strings)


def home_for(stored, domid):
    with stored.client() as c:
        c.mkdir(f"/local/domain/{domid}")
        c.set_perms(f"/local/domain/{domid}", f"n{domid}")


def test_guest_reads_and_writes_its_home(stored):
    home_for(stored, 5)
    g = stored.guest(5)
    assert g.idx(SERVER_FEATURES) & 2            # advertises the error field
    assert g.write("device/vbd/51712/state", "1") == b"OK\0"
    assert g.read("device/vbd/51712/state") == b"1"
    with stored.client() as c:
        assert c.read("/local/domain/5/device/vbd/51712/state") == b"1"
        assert c.get_perms("/local/domain/5/device") == ["n5"]


def test_permission_denials(stored):
    home_for(stored, 5)
    home_for(stored, 6)
    g5, g6 = stored.guest(5), stored.guest(6)
    g5.write("secret", "s")
    with pytest.raises(XsError, match="EACCES"):
        g6.read("/local/domain/5/secret")
    with pytest.raises(XsError, match="EACCES"):
        g6.read("/local/domain/5/missing")           # existence is hidden too
    with pytest.raises(XsError, match="EACCES"):
        g6.write("/local/domain/5/secret", "x")
    with pytest.raises(XsError, match="EACCES"):
        g6.write("/tool/mine", "x")
    with pytest.raises(XsError, match="EACCES"):
        g6.set_perms("/local/domain/5/secret", "b6")
    with pytest.raises(XsError, match="EACCES"):
        g5.request(5 + 3, strings("9", "0", "0"))     # INTRODUCE is for the tools
    g5.set_perms("secret", "n5", "r6")
    assert g6.read("/local/domain/5/secret") == b"s"
    with pytest.raises(XsError, match="EPERM"):
        g5.set_perms("secret", "n6")                  # cannot give it away
    with stored.client() as c:
        assert c.read("/local/domain/5/secret") == b"s"   # dom0 reads everything


def test_watch_events_respect_read_permission(stored):
    home_for(stored, 5)
    home_for(stored, 6)
    g5, g6 = stored.guest(5), stored.guest(6)
    g6.watch("/local/domain/5", "peek")
    assert g6.event() == ("/local/domain/5", "peek")
    g5.write("private", "1")
    g5.set_perms("private", "n5", "r6")
    assert g6.event() == ("/local/domain/5/private", "peek")   # now it may read it
    g5.watch("private", "rel")
    assert g5.event() == ("private", "rel")
    with stored.client() as c:
        c.write("/local/domain/5/private", "2")
    assert g5.event() == ("private", "rel")             # relative to its home


def test_entry_quota(make_stored):
    d = make_stored("--quota", "entries=5")
    home_for(d, 5)
    g = d.guest(5)
    for i in range(4):
        g.write(f"n{i}", "")
    with pytest.raises(XsError, match="ENOSPC"):
        g.write("n4", "")
    with pytest.raises(XsError, match="ENOSPC"):
        g.mkdir("a/b")
    g.rm("n0")
    g.write("n4", "")                                   # freed one, may create one
    with d.client() as c:
        c.write("/local/domain/5/by-tools", "")        # dom0 is not limited


def test_node_size_watch_and_transaction_quotas(make_stored):
    d = make_stored("--quota", "node-size=100", "--quota", "watches=2",
                    "--quota", "transactions=1")
    home_for(d, 5)
    g = d.guest(5)
    g.write("ok", "x" * 100)
    with pytest.raises(XsError, match="ENOSPC"):
        g.write("big", "x" * 101)
    g.watch("a", "1")
    g.watch("b", "2")
    with pytest.raises(XsError, match="E2BIG"):
        g.watch("c", "3")
    g.txn_start()
    with pytest.raises(XsError, match="ENOSPC"):
        g.txn_start()
    assert g.read("ok") == b"x" * 100                   # nothing else is affected


def test_outstanding_requests_quota(make_stored):
    """A guest that never reads its replies stops being served once its response
    ring is full and `outstanding` more replies wait; others carry on."""
    d = make_stored("--quota", "outstanding=4")
    home_for(d, 5)
    g = d.guest(5)
    data = (HDR.pack(READ, 1, 0, 2) + b"/\0") * 150
    stuck_since = time.monotonic()
    while time.monotonic() - stuck_since < 0.5:
        n = g.put(data)
        data = data[n:]
        if n:
            stuck_since = time.monotonic()
        time.sleep(0.01)
    assert data, "the store consumed all 150 requests despite the quota"
    assert g.idx(REQ_PROD) != g.idx(REQ_CONS)
    assert g.idx(RSP_PROD) - g.idx(RSP_CONS) == 1024    # replies fill its ring
    with d.client() as c:
        assert c.read("/tool") == b""                   # the store still serves others
    got, deadline = 0, time.monotonic() + 20
    while got < 150 and time.monotonic() < deadline:
        if data:
            data = data[g.put(data):]
        assert g.recv_msg()[0] == 16                    # EACCES: "/" is dom0's
        got += 1
    assert got == 150                                   # draining replies resumes service


def test_bogus_ring_indexes_isolate_the_guest(stored):
    home_for(stored, 5)
    home_for(stored, 6)
    g, other = stored.guest(5), stored.guest(6)
    g.set_idx(REQ_PROD, g.idx(REQ_CONS) + 5000)
    g.kick()
    deadline = time.monotonic() + 5
    while g.idx(ERROR_FIELD) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert g.idx(ERROR_FIELD) == 2                      # XENSTORE_ERROR_RINGIDX
    assert other.read("/local/domain/6") == b""
    with stored.client() as c:
        assert c.read("/tool") == b""


def test_bogus_response_indexes(stored):
    g = stored.guest(5)
    g.set_idx(RSP_CONS, g.idx(RSP_PROD) + 4000)
    g.send(READ, strings("/"))
    deadline = time.monotonic() + 5
    while g.idx(ERROR_FIELD) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert g.idx(ERROR_FIELD) == 2
    with stored.client() as c:
        assert c.read("/tool") == b""


def test_oversized_ring_message(stored):
    g = stored.guest(5)
    g.put(HDR.pack(WRITE, 1, 0, 5000))
    deadline = time.monotonic() + 5
    while g.idx(ERROR_FIELD) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert g.idx(ERROR_FIELD) == 3                      # XENSTORE_ERROR_PROTO
    assert stored.alive()


def test_requests_queued_before_introduce_are_served(stored):
    g = stored.guest(9, introduce=False)
    g.put(HDR.pack(10, 77, 0, 2) + b"9\0")             # GET_DOMAIN_PATH
    with stored.client() as c:
        c.request(8, strings("9", "0", "0"))
    mtype, req_id, _, body = g.recv_msg()
    assert (mtype, req_id, body) == (10, 77, b"/local/domain/9\0")


def test_special_watches_follow_the_special_nodes_permissions(stored):
    """As in Xen's xenstored, a guest watching @introduceDomain gets the
    watch's first event but no domain events until the tools grant it read
    access to the special node."""
    home_for(stored, 6)
    g6 = stored.guest(6)
    g6.watch("@introduceDomain", "in")
    assert g6.event() == ("@introduceDomain", "in")
    stored.guest(7)
    assert g6.no_event()
    with stored.client() as c:
        c.set_perms("@introduceDomain", "n0", "r6")
    stored.guest(8)
    assert g6.event() == ("@introduceDomain", "in")
