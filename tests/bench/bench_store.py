"""Store daemons over their unix socket: read, write, directory, transaction
commit and watch fan-out, lintel-stored beside Debian's xenstored and oxenstored
in one run (the driver lives with the store's tests)."""
from store.bench_store import run  # noqa: F401
