#!/usr/bin/env python3
"""Prints, in load order, the kernel modules (paths relative to the module tree)
needed for the given module names, following each module's `depends=` field.

Reading .modinfo directly avoids needing depmod (kmod) on the build host; the
Debian package ships no modules.dep because depmod runs at install time."""
import os
import sys


def index_modules(tree):
    by_name = {}
    for root, _dirs, files in os.walk(tree):
        for f in files:
            if f.endswith(".ko"):
                name = f[:-3].replace("-", "_")
                by_name[name] = os.path.relpath(os.path.join(root, f), tree)
    return by_name


def depends_of(path):
    data = open(path, "rb").read()
    at = data.find(b"\0depends=")
    if at < 0:
        return []
    end = data.index(b"\0", at + 1)
    field = data[at + len(b"\0depends="):end].decode()
    return [d.replace("-", "_") for d in field.split(",") if d]


def load_order(tree, wanted):
    by_name = index_modules(tree)
    order, visiting = [], set()

    def visit(name):
        if name in order:
            return
        if name not in by_name:
            sys.exit(f"resolve-modules: module {name!r} not found under {tree} "
                     "(built into the kernel? then leave it out of the list)")
        if name in visiting:
            sys.exit(f"resolve-modules: dependency cycle at {name!r}")
        visiting.add(name)
        for dep in depends_of(os.path.join(tree, by_name[name])):
            visit(dep)
        order.append(name)

    for name in wanted:
        visit(name.replace("-", "_"))
    return [by_name[n] for n in order]


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: resolve-modules.py MODULE_TREE NAME...")
    print("\n".join(load_order(sys.argv[1], sys.argv[2:])))
