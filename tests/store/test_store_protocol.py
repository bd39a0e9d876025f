"""lintel-stored over its socket: every message type, transactions, watches,
malformed input. Each test starts its own daemon (fixture `stored`)."""
import socket
import struct
import threading

import pytest

from xsproto import (CONTROL, DIRECTORY_PART, GET_DOMAIN_PATH, HDR, INTRODUCE,
                     IS_DOMAIN_INTRODUCED, READ, RELEASE, RESET_WATCHES, RESUME,
                     SET_TARGET, WATCH_EVENT, WRITE, XsError, strings)


def test_read_write_mkdir_rm_directory(stored):
    with stored.client() as c:
        assert c.write("/vm/1/name", "guest") == b"OK\0"
        assert c.read("/vm/1/name") == b"guest"
        assert c.read("/vm/1") == b""
        assert c.mkdir("/vm/2") == b"OK\0"
        assert c.directory("/vm") == ["1", "2"]
        assert c.directory("/") == ["tool", "vm"]
        assert c.rm("/vm/1") == b"OK\0"
        assert c.directory("/vm") == ["2"]
        with pytest.raises(XsError, match="ENOENT"):
            c.read("/vm/1/name")
        with pytest.raises(XsError, match="EINVAL"):
            c.rm("/")


def test_values_are_binary_and_may_be_empty(stored):
    with stored.client() as c:
        c.write("/bin", b"a\0b\xff")
        assert c.read("/bin") == b"a\0b\xff"
        c.write("/bin", b"")
        assert c.read("/bin") == b""


def test_directory_part_walks_a_large_directory(stored):
    with stored.client() as c:
        names = [f"entry-with-a-long-name-{i:04d}" for i in range(300)]
        tx = c.txn_start()
        for n in names:
            c.write(f"/big/{n}", "", tx)
        c.txn_end(tx)
        got, offset, gen = [], 0, None
        while True:
            body = c.request(DIRECTORY_PART, strings("/big", str(offset)))
            parts = body.split(b"\0")
            gen = gen or parts[0]
            assert parts[0] == gen
            chunk = body[len(parts[0]) + 1:]
            if chunk.endswith(b"\0\0") or chunk == b"\0":
                got += [p.decode() for p in chunk[:-1].split(b"\0")[:-1]]
                break
            got += [p.decode() for p in chunk.split(b"\0")[:-1]]
            offset += len(chunk)
        assert got == names


def test_directory_too_big_for_one_message_is_e2big(stored):
    with stored.client() as c:
        tx = c.txn_start()
        for i in range(200):
            c.write(f"/huge/a-rather-long-child-name-number-{i:04d}", "", tx)
        c.txn_end(tx)
        with pytest.raises(XsError, match="E2BIG"):
            c.directory("/huge")
        assert c.request(DIRECTORY_PART, strings("/huge", "0")).count(b"\0") > 10


def test_permissions_over_the_socket(stored):
    with stored.client() as c:
        c.write("/p", "x")
        assert c.get_perms("/p") == ["n0"]
        c.set_perms("/p", "n5", "r7", "w8")
        assert c.get_perms("/p") == ["n5", "r7", "w8"]
        with pytest.raises(XsError, match="EINVAL"):
            c.set_perms("/p", "z5")
        with pytest.raises(XsError, match="ENOENT"):
            c.set_perms("/nothere", "n0")
        assert c.get_perms("@introduceDomain") == ["n0"]


def test_domain_messages(stored):
    with stored.client() as c:
        assert c.request(GET_DOMAIN_PATH, strings("7")) == b"/local/domain/7\0"
        assert c.request(IS_DOMAIN_INTRODUCED, strings("7")) == b"F\0"
        stored.guest(7)
        assert c.request(IS_DOMAIN_INTRODUCED, strings("7")) == b"T\0"
        assert c.request(INTRODUCE, strings("7", "0", "0")) == b"OK\0"   # idempotent
        stored.guest(8)
        assert c.request(SET_TARGET, strings("8", "7")) == b"OK\0"
        assert c.request(RESUME, strings("7")) == b"OK\0"
        assert c.request(RELEASE, strings("8")) == b"OK\0"
        with pytest.raises(XsError, match="ENOENT"):
            c.request(RELEASE, strings("8"))
        with pytest.raises(XsError, match="ENOENT"):
            c.request(INTRODUCE, strings("9", "0", "0"))   # no ring page for 9
        with pytest.raises(XsError, match="EINVAL"):
            c.request(GET_DOMAIN_PATH, strings("seven"))


def test_control_quota(stored):
    with stored.client() as c:
        assert b"entries" in c.request(CONTROL, strings("quota"))
        c.request(CONTROL, strings("quota", "watches", "7"))
        assert b"watches       7" in c.request(CONTROL, strings("quota"))
        assert b"quota" in c.request(CONTROL, strings("help"))
        with pytest.raises(XsError, match="EINVAL"):
            c.request(CONTROL, strings("frobnicate"))


def test_watches_fire_on_node_and_children_in_order(stored):
    with stored.client() as w, stored.client() as c:
        w.watch("/dev", "T")
        assert w.event() == ("/dev", "T")          # fired once on registration
        for i in range(20):
            c.write(f"/dev/{i}", str(i))
        c.write("/devices", "not below /dev")
        c.rm("/dev/3")
        got = [w.event() for _ in range(21)]
        assert got == [(f"/dev/{i}", "T") for i in range(20)] + [("/dev/3", "T")]
        assert w.no_event()
        w.unwatch("/dev", "T")
        c.write("/dev/x", "1")
        assert w.no_event()


def test_special_watches(stored):
    with stored.client() as w:
        w.watch("@introduceDomain", "in")
        w.watch("@releaseDomain", "out")
        assert w.event() == ("@introduceDomain", "in")
        assert w.event() == ("@releaseDomain", "out")
        stored.guest(3)
        assert w.event() == ("@introduceDomain", "in")
        with stored.client() as c:
            c.request(RELEASE, strings("3"))
        assert w.event() == ("@releaseDomain", "out")


def test_reset_watches(stored):
    with stored.client() as w, stored.client() as c:
        w.watch("/r", "a")
        w.event()
        w.request(RESET_WATCHES, b"")
        c.write("/r/x", "1")
        assert w.no_event()


def test_racing_transactions_one_wins(stored):
    """Two clients increment a counter in transactions; conflicts get EAGAIN and retry."""
    with stored.client() as c:
        c.write("/counter", "0")
    rounds, errors, retries = 40, [], [0]

    def worker():
        try:
            with stored.client() as cl:
                for _ in range(rounds):
                    while True:
                        tx = cl.txn_start()
                        v = int(cl.read("/counter", tx))
                        cl.write("/counter", str(v + 1), tx)
                        try:
                            cl.txn_end(tx)
                            break
                        except XsError as e:
                            assert e.name == "EAGAIN"
                            retries[0] += 1
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with stored.client() as c:
        assert int(c.read("/counter")) == 3 * rounds


def test_transaction_conflict_is_eagain_and_changes_nothing(stored):
    with stored.client() as a, stored.client() as b:
        a.write("/t/x", "0")
        tx = a.txn_start()
        a.read("/t/x", tx)
        a.write("/t/y", "mine", tx)
        b.write("/t/x", "theirs")
        with pytest.raises(XsError, match="EAGAIN"):
            a.txn_end(tx)
        with pytest.raises(XsError, match="ENOENT"):
            a.read("/t/y")
        with pytest.raises(XsError, match="ENOENT"):
            a.read("/t/x", tx)                     # the transaction is closed


def test_malformed_requests_get_errors(stored):
    with stored.client() as c:
        for mtype, payload, err in [
            (READ, b"/no-nul", "EINVAL"),
            (WRITE, b"/no-nul-after-path", "EINVAL"),
            (READ, b"/a\0/b\0", "EINVAL"),
            (READ, b"relative path with spaces\0", "EINVAL"),
            (READ, b"/trailing/\0", "EINVAL"),
            (99, b"", "EINVAL"),
            (WATCH_EVENT, b"/x\0t\0", "EINVAL"),
            (16, b"EINVAL\0", "EINVAL"),
        ]:
            c.send(mtype, payload)
            rtype, _, _, body = c.reply()
            assert (rtype, body) == (16, err.encode() + b"\0"), (mtype, payload)
        c.send(READ, b"/\0", tx=12345)
        assert c.reply()[3] == b"ENOENT\0"
        assert c.read("/tool/xenstored") == b""    # still usable afterwards


def test_oversized_length_closes_only_that_connection(stored):
    with stored.client() as bad, stored.client() as good:
        good.watch("/g", "t")
        good.event()
        bad.send_raw(HDR.pack(READ, 1, 0, 4097))
        with pytest.raises((ConnectionError, socket.timeout, OSError)):
            bad.recv_msg()
        good.write("/g/1", "still fine")
        assert good.event() == ("/g/1", "t")
        assert stored.alive()


def test_garbage_and_disconnect_mid_message(stored):
    for junk in [b"\xff" * 3, HDR.pack(WRITE, 1, 0, 100) + b"/half", struct.pack("<I", 2)]:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(stored.socket)
        s.sendall(junk)
        s.close()
    with stored.client() as c:
        assert c.read("/tool") == b""


def test_deepest_possible_path_survives_rm_and_restart(stored):
    deep = "/d" * 1536                    # 3072 characters: XENSTORE_ABS_PATH_MAX
    with stored.client() as c:
        c.write(deep, "bottom")
        with pytest.raises(XsError, match="EINVAL"):
            c.write(deep + "/x", "too long")
    stored.restart()
    with stored.client() as c:
        assert c.read(deep) == b"bottom"
        c.rm("/d")
        with pytest.raises(XsError, match="ENOENT"):
            c.read("/d")
