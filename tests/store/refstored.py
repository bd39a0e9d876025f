"""Debian's own store daemons (xen-utils-4.17) on this host, for comparison.

xenstored and oxenstored expect a hypervisor. An LD_PRELOAD shim
(refstored/shim.c) points their /dev/xen and /proc/xen opens at stand-in files
in our work directory and answers their event channel ioctls; a private mount
namespace makes /run/xenstored (oxenstored's fixed socket directory) our work
directory. Their socket protocol, tree and permission code run for real.
"""
import os
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
# `make artifacts` unpacks Debian's Xen userspace here; refstored/fetch.sh is the fallback.
ARTIFACTS = os.path.join(REPO, "build", "cache", "xen-tools", "root")
UTILS = ARTIFACTS if os.path.exists(os.path.join(ARTIFACTS, "usr", "lib", "xen-4.17", "bin",
                                                 "xenstored")) \
    else os.path.join(REPO, "build", "cache", "xenutils")
BIN = os.path.join(UTILS, "usr", "lib", "xen-4.17", "bin")
SHIM = os.path.join(REPO, "build", "xenstore", "test", "refshim.so")

NAMESPACE_SCRIPT = """set -e
mount --bind {work}/nr_open /proc/sys/fs/nr_open
mount -t tmpfs none /run
mkdir -p /run/xenstored
mount --bind {work} /run/xenstored
exec "$@"
"""

OXENSTORED_CONF = """pid-file = {work}/oxenstored.pid
xenstored-log-file = {work}/oxenstored.log
access-log-file = {work}/oxenstored-access.log
xenstored-kva = {work}/xen/xsd_kva
xenstored-port = {work}/xen/xsd_port
"""


def ensure_unpacked():
    if not os.path.exists(os.path.join(BIN, "xenstored")):
        subprocess.run(["sh", os.path.join(HERE, "refstored", "fetch.sh"), UTILS], check=True,
                       stdout=subprocess.DEVNULL)
    assert os.path.exists(SHIM), f"{SHIM} missing: run make -C xenstore"


class RefStored:
    """kind: "xenstored" (Debian's C daemon) or "oxenstored" (the OCaml one)."""

    def __init__(self, kind, workdir):
        self.kind = kind
        self.work = str(workdir)
        self.socket = os.path.join(self.work, "socket")
        self.proc = None

    @property
    def env(self):
        return dict(os.environ, XENSTORED_PATH=self.socket)

    def _prepare(self):
        xen = os.path.join(self.work, "xen")
        os.makedirs(xen, exist_ok=True)
        with open(os.path.join(xen, "xsd_port"), "w") as f:
            f.write("3")                     # oxenstored wants no newline
        for page in ("xsd_kva", "xenbus_backend"):
            with open(os.path.join(xen, page), "wb") as f:
                f.write(b"\0" * 4096)
        for dev in ("privcmd", "gntdev"):
            open(os.path.join(xen, dev), "w").close()
        if not os.path.exists(os.path.join(xen, "evtchn")):
            os.mkfifo(os.path.join(xen, "evtchn"))   # never readable: no events arrive
        with open(os.path.join(self.work, "nr_open"), "w") as f:
            # oxenstored raises RLIMIT_NOFILE to fs.nr_open; keep it within ours
            f.write(str(os.sysconf("SC_OPEN_MAX")))
        script = os.path.join(self.work, "namespace.sh")
        with open(script, "w") as f:
            f.write(NAMESPACE_SCRIPT.format(work=self.work))
        conf = os.path.join(self.work, "oxenstored.conf")
        with open(conf, "w") as f:
            f.write(OXENSTORED_CONF.format(work=self.work))
        return script, conf

    def start(self):
        ensure_unpacked()
        script, conf = self._prepare()
        if self.kind == "xenstored":
            cmd = [os.path.join(BIN, "xenstored"), "--no-fork"]
        else:
            cmd = [os.path.join(BIN, "oxenstored"), "--no-fork", "--config-file", conf]
        env = dict(os.environ, LD_PRELOAD=SHIM, XENSTORED_RUNDIR=self.work,
                   LINTEL_SHIM_XENDIR=os.path.join(self.work, "xen"))
        self.proc = subprocess.Popen(["unshare", "-m", "sh", script] + cmd, env=env,
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.work, "stderr.log"), "w"))
        deadline = time.monotonic() + 10
        while not self._accepts():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} did not start: " +
                                   open(os.path.join(self.work, "stderr.log")).read())
            time.sleep(0.02)
        return self

    def _accepts(self):
        """The socket file appears at bind(), before listen(): try connecting."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.socket)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
