"""A real lintel-stored on a private socket, state file and ring directory."""
import os
import signal
import subprocess
import time

from xsproto import INTRODUCE, RingGuest, XsClient, strings

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(REPO, "build", "xenstore")
# LINTEL_STORED runs the suite on another build (make -C xenstore sanitize).
STORED = os.environ.get("LINTEL_STORED", os.path.join(BUILD, "bin", "lintel-stored"))
CLI = os.path.join(BUILD, "bin", "lintel-store")


class Stored:
    """One lintel-stored process with its socket, state file and ring directory."""

    def __init__(self, workdir, extra_args=()):
        self.dir = str(workdir)
        self.socket = os.path.join(self.dir, "socket")
        self.state = os.path.join(self.dir, "state")
        self.rings = os.path.join(self.dir, "rings")
        self.log = os.path.join(self.dir, "stored.log")
        os.makedirs(self.rings, exist_ok=True)
        self.extra_args = list(extra_args)
        self.proc = None
        self.guests = []

    @property
    def env(self):
        return dict(os.environ, XENSTORED_PATH=self.socket)

    def start(self):
        assert os.path.exists(STORED), f"{STORED} missing: run make -C xenstore"
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        self.proc = subprocess.Popen(
            [STORED, "--foreground", "--socket", self.socket, "--state", self.state, "--ring-dir", self.rings,
             *self.extra_args],
            stdout=subprocess.DEVNULL, stderr=open(self.log, "a"))
        deadline = time.monotonic() + 5
        while not os.path.exists(self.socket):
            assert self.proc.poll() is None, "lintel-stored exited: " + open(self.log).read()
            assert time.monotonic() < deadline, "lintel-stored did not create its socket"
            time.sleep(0.01)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=5)

    def restart(self, sig=signal.SIGTERM):
        self.stop(sig)
        self.start()

    def client(self):
        return XsClient(self.socket)

    def guest(self, domid, introduce=True):
        g = RingGuest(self.rings, domid)
        self.guests.append(g)
        if introduce:
            with self.client() as c:
                c.request(INTRODUCE, strings(str(domid), "0", "0"))
        return g

    def close(self):
        self.stop()
        for g in self.guests:
            g.close()
