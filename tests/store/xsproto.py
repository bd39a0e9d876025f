"""The xs wire protocol from Python, for tests of lintel-stored.

XsClient talks over the unix socket (as dom0); RingGuest plays a guest domain
through a file-backed ring page (lintel-stored --ring-dir), with the same
byte layout a Xen guest shares with the store.
"""
import mmap
import os
import socket
import struct
import time

HDR = struct.Struct("<IIII")
PAYLOAD_MAX = 4096
RING_SIZE = 1024

(CONTROL, DIRECTORY, READ, GET_PERMS, WATCH, UNWATCH, TRANSACTION_START,
 TRANSACTION_END, INTRODUCE, RELEASE, GET_DOMAIN_PATH, WRITE, MKDIR, RM,
 SET_PERMS, WATCH_EVENT, ERROR, IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET) = range(20)
RESET_WATCHES = 21
DIRECTORY_PART = 22

# Offsets in struct xenstore_domain_interface.
REQ, RSP = 0, RING_SIZE
REQ_CONS, REQ_PROD, RSP_CONS, RSP_PROD = 2048, 2052, 2056, 2060
SERVER_FEATURES, CONNECTION, ERROR_FIELD = 2064, 2068, 2072
INTF_SIZE = 2076


class XsError(Exception):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


def strings(*parts):
    return b"".join(p.encode() + b"\0" if isinstance(p, str) else p for p in parts)


class _Ops:
    """The message helpers shared by both transports (they provide request())."""

    def read(self, path, tx=0):
        return self.request(READ, strings(path), tx)

    def write(self, path, value, tx=0):
        value = value.encode() if isinstance(value, str) else value
        return self.request(WRITE, path.encode() + b"\0" + value, tx)

    def mkdir(self, path, tx=0):
        return self.request(MKDIR, strings(path), tx)

    def rm(self, path, tx=0):
        return self.request(RM, strings(path), tx)

    def directory(self, path, tx=0):
        body = self.request(DIRECTORY, strings(path), tx)
        return [n.decode() for n in body.split(b"\0")[:-1]]

    def get_perms(self, path, tx=0):
        return [p.decode() for p in self.request(GET_PERMS, strings(path), tx).split(b"\0")[:-1]]

    def set_perms(self, path, *perms, tx=0):
        return self.request(SET_PERMS, strings(path, *perms), tx)

    def watch(self, path, token):
        return self.request(WATCH, strings(path, token))

    def unwatch(self, path, token):
        return self.request(UNWATCH, strings(path, token))

    def txn_start(self):
        return int(self.request(TRANSACTION_START, b"\0").rstrip(b"\0"))

    def txn_end(self, tx, commit=True):
        return self.request(TRANSACTION_END, strings("T" if commit else "F"), tx)


class XsClient(_Ops):
    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.events = []
        self.req_id = 0

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("store closed the connection")
            buf += chunk
        return buf

    def recv_msg(self):
        mtype, req_id, tx, length = HDR.unpack(self._recv_exact(HDR.size))
        return mtype, req_id, tx, self._recv_exact(length)

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, mtype, payload=b"", tx=0, req_id=None):
        self.req_id += 1
        self.send_raw(HDR.pack(mtype, self.req_id if req_id is None else req_id, tx,
                               len(payload)) + payload)

    def reply(self):
        """The next reply, queueing any watch events that arrive before it."""
        while True:
            mtype, req_id, tx, body = self.recv_msg()
            if mtype == WATCH_EVENT:
                self.events.append(tuple(p.decode() for p in body.split(b"\0")[:2]))
                continue
            return mtype, req_id, tx, body

    def request(self, mtype, payload=b"", tx=0):
        self.send(mtype, payload, tx)
        rtype, req_id, _, body = self.reply()
        assert req_id == self.req_id, f"reply to {req_id}, expected {self.req_id}"
        if rtype == ERROR:
            raise XsError(body.rstrip(b"\0").decode())
        assert rtype == mtype, f"reply type {rtype} to request type {mtype}"
        return body

    def event(self):
        if self.events:
            return self.events.pop(0)
        mtype, _, _, body = self.recv_msg()
        assert mtype == WATCH_EVENT, f"expected a watch event, got type {mtype}"
        return tuple(p.decode() for p in body.split(b"\0")[:2])

    def no_event(self, wait=0.2):
        if self.events:
            return False
        self.sock.settimeout(wait)
        try:
            self.sock.recv(1, socket.MSG_PEEK)
            return False
        except socket.timeout:
            return True
        finally:
            self.sock.settimeout(5.0)


class RingGuest(_Ops):
    """Domain `domid` talking to the store through <ring_dir>/dom<domid>.ring."""

    def __init__(self, ring_dir, domid):
        self.domid = domid
        self.ring_dir = ring_dir
        path = os.path.join(ring_dir, f"dom{domid}.ring")
        with open(path, "wb") as f:
            f.write(b"\0" * 4096)
        self.fd = os.open(path, os.O_RDWR)
        self.page = mmap.mmap(self.fd, 4096)
        self.kick_sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.events = []
        self.req_id = 0
        self.pending = b""

    def close(self):
        self.kick_sock.close()
        self.page.close()
        os.close(self.fd)

    def idx(self, off):
        return struct.unpack_from("<I", self.page, off)[0]

    def set_idx(self, off, value):
        struct.pack_into("<I", self.page, off, value & 0xffffffff)

    def kick(self):
        try:
            self.kick_sock.sendto(b"!", os.path.join(self.ring_dir, f"dom{self.domid}.sock"))
        except OSError:
            pass   # not introduced yet: the store reads the ring when it attaches

    def put(self, data):
        """Writes as much of data as fits in the request ring; returns bytes written."""
        cons, prod = self.idx(REQ_CONS), self.idx(REQ_PROD)
        room = RING_SIZE - ((prod - cons) & 0xffffffff)
        n = min(room, len(data))
        for i in range(n):
            self.page[REQ + ((prod + i) % RING_SIZE)] = data[i]
        self.set_idx(REQ_PROD, prod + n)
        self.kick()
        return n

    def send_raw(self, data, timeout=5.0):
        deadline = time.monotonic() + timeout
        while data:
            n = self.put(data)
            data = data[n:]
            if data:
                if time.monotonic() > deadline:
                    raise TimeoutError("request ring stayed full")
                time.sleep(0.005)

    def send(self, mtype, payload=b"", tx=0):
        self.req_id += 1
        self.send_raw(HDR.pack(mtype, self.req_id, tx, len(payload)) + payload)

    def take(self):
        cons, prod = self.idx(RSP_CONS), self.idx(RSP_PROD)
        n = (prod - cons) & 0xffffffff
        data = bytes(self.page[RSP + ((cons + i) % RING_SIZE)] for i in range(n))
        self.set_idx(RSP_CONS, cons + n)
        if n:
            self.kick()
        return data

    def recv_msg(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            self.pending += self.take()
            if len(self.pending) >= HDR.size:
                mtype, req_id, tx, length = HDR.unpack_from(self.pending)
                if len(self.pending) >= HDR.size + length:
                    body = self.pending[HDR.size:HDR.size + length]
                    self.pending = self.pending[HDR.size + length:]
                    return mtype, req_id, tx, body
            if time.monotonic() > deadline:
                raise TimeoutError("no reply on the response ring")
            time.sleep(0.002)

    def reply(self, timeout=5.0):
        while True:
            mtype, req_id, tx, body = self.recv_msg(timeout)
            if mtype == WATCH_EVENT:
                self.events.append(tuple(p.decode() for p in body.split(b"\0")[:2]))
                continue
            return mtype, req_id, tx, body

    def request(self, mtype, payload=b"", tx=0):
        self.send(mtype, payload, tx)
        rtype, req_id, _, body = self.reply()
        assert req_id == self.req_id
        if rtype == ERROR:
            raise XsError(body.rstrip(b"\0").decode())
        assert rtype == mtype
        return body

    def event(self, timeout=5.0):
        if self.events:
            return self.events.pop(0)
        mtype, _, _, body = self.recv_msg(timeout)
        assert mtype == WATCH_EVENT
        return tuple(p.decode() for p in body.split(b"\0")[:2])

    def no_event(self, wait=0.2):
        """True when nothing at all arrives on the response ring for WAIT s."""
        if self.events:
            return False
        try:
            self.events.append(self.event(timeout=wait))
            return False
        except TimeoutError:
            return True
