#!/usr/bin/python3
"""Compare Lintel's public ABI headers with Xen 4.17's (Debian libxen-dev).

Every structure, typedef, enum constant and integer macro that our headers
define is found mechanically (clang's AST for types, the preprocessor for
macros), so nothing can be left out by forgetting to list it. One probe
program is generated; it is compiled once against include/public/ and once
against /usr/include/xen/ (the two cannot share a translation unit: the
names are the same) and each build prints "name=value" lines. The lines
must be identical.

Output: one line per mismatch or missing name, then "N passed, N failed".
Exit status 1 when anything failed.
"""
import argparse
import json
import os
import re
import subprocess
import sys

CC = "gcc"
CFLAGS = ["-std=gnu11", "-O0", "-w"]

# Names that are ours alone: helper macros with no Xen counterpart.
OURS_ONLY_PREFIXES = ("LINTEL_",)
OURS_ONLY = {
    "__ASSEMBLY__",
}


# Function-like macros cannot be found mechanically as values; these uses
# of them are compared like constants.
FUNCTION_MACRO_CHECKS = [
    "__CONST_RING_SIZE(blkif, 4096)",
    "__CONST_RING_SIZE(blkif, 8192)",
    "__CONST_RING_SIZE(blkif, 200)",
    "__CONST_RING_SIZE(netif_tx, 4096)",
    "__CONST_RING_SIZE(netif_rx, 4096)",
    "__CONST_RING_SIZE(xen_netif_ctrl, 4096)",
    "XEN_CPUID_LEAF(2)",
    "XEN_FLEX_RING_SIZE(0)",
    "XEN_FLEX_RING_SIZE(3)",
    "MASK_XENCONS_IDX(1030, ((struct xencons_interface *)0)->in)",
    "MASK_XENCONS_IDX(4100, ((struct xencons_interface *)0)->out)",
    "XENMEMF_address_bits(32)",
    "XENMEMF_node(3)",
    "XENMEMF_get_node(XENMEMF_node(5))",
    "XENMEMF_exact_node(2)",
    "xen_pfn_to_cr3(0x1234)",
    "xen_cr3_to_pfn(0x1234000)",
    "XEN_DOMCTL_GRANT_version(0x12)",
    "xen_vcpu_physid_to_x86_apicid(0x500000002ULL)",
    "xen_vcpu_physid_to_x86_acpiid(0x500000002ULL)",
    "XENMEM_resource_ioreq_server_frame_ioreq(2)",
    "xen_mk_ulong(0x10)",
    "xen_mk_uint(0x10)",
    "xen_mk_ullong(0x10)",
    "sizeof(XEN_GUEST_HANDLE(void))",
    "sizeof(XEN_GUEST_HANDLE_64(uint8))",
    "sizeof(XEN_GUEST_HANDLE(xen_pfn_t))",
]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def header_list(ours_root):
    """Every header under include/public, as a path relative to it."""
    found = []
    for dirpath, _dirs, files in os.walk(ours_root):
        for name in files:
            if name.endswith(".h"):
                rel = os.path.relpath(os.path.join(dirpath, name), ours_root)
                found.append(rel)
    # xen.h first so the arch headers see the guest-handle machinery in order.
    return sorted(found, key=lambda p: (p != "xen.h", p.count("/"), p))


def prologue(side, headers):
    lines = ["#include <stdint.h>", "#include <stddef.h>", "#include <stdio.h>"]
    if side == "xen":
        lines.insert(0, "#define __XEN_TOOLS__ 1")
        lines += ['#include <xen/%s>' % h for h in headers]
    else:
        # Included as public/<name>: include/public must never be on the
        # search path itself, or its features.h would shadow glibc's.
        lines += ['#include "public/%s"' % h for h in headers]
    return "\n".join(lines) + "\n"


def side_flags(side, ours_root):
    return ["-I", os.path.dirname(ours_root)] if side == "ours" else []


# ---------------------------------------------------------------- types

def clang_ast(ours_root, headers, workdir):
    src = os.path.join(workdir, "ast_probe.c")
    with open(src, "w") as f:
        f.write(prologue("ours", headers))
    res = run(["clang", "-std=gnu11"] + side_flags("ours", ours_root) + ["-Xclang",
               "-ast-dump=json", "-fsyntax-only", src])
    if res.returncode != 0:
        sys.exit("abi_check: our headers do not parse:\n" + res.stderr)
    return json.loads(res.stdout)


def baseline_typedefs(workdir):
    """Typedef names that come from the C library, not from our headers."""
    src = os.path.join(workdir, "baseline.c")
    with open(src, "w") as f:
        f.write("#include <stdint.h>\n#include <stddef.h>\n#include <stdio.h>\n")
    res = run(["clang", "-std=gnu11", "-Xclang", "-ast-dump=json",
               "-fsyntax-only", src])
    names = set()
    for node in json.loads(res.stdout).get("inner", []):
        if node.get("kind") == "TypedefDecl":
            names.add(node.get("name"))
    return names


def is_record_type(qual):
    return qual.startswith(("struct ", "union "))


INTEGER_TYPE = re.compile(
    r"^(const |volatile )*(signed |unsigned )?(char|short|int|long|long long|"
    r"short int|long int|long long int|unsigned|signed)$")


def walk_fields(record, prefix, out):
    """Field paths of a record, descending into inline nested records."""
    inline = []
    used = set()
    for node in record.get("inner", []):
        kind = node.get("kind")
        if kind == "RecordDecl" and node.get("completeDefinition"):
            inline.append(node)
            continue
        if kind != "FieldDecl":
            continue
        name = node.get("name")
        qual = node["type"]["qualType"]
        canonical = node["type"].get("desugaredQualType", qual)
        path = prefix + [name] if name else prefix
        if name:
            out.append((".".join(path), qual, canonical))
        element = re.sub(r"(\[\d*\])+$", "", qual)
        if not is_record_type(element):
            continue
        nested = match_inline(element, inline)
        if nested is not None:
            used.add(nested["id"])
            if element != qual:  # an array of them: check the first element
                path = path[:-1] + [path[-1] + "[0]"]
            walk_fields(nested, path, out)
    # A nested definition no field reached would leave its members unchecked.
    for rec in inline:
        if rec["id"] not in used:
            sys.exit("abi_check: cannot attribute a nested %s in %s to a field"
                     % (rec["tagUsed"], record.get("name", "an unnamed record")))


def match_inline(qual, inline):
    tag_name = qual.split(" ", 1)[1]
    for rec in reversed(inline):
        if rec.get("name") and rec["name"] == tag_name:
            return rec
        if not rec.get("name") and ("(unnamed" in qual or "(anonymous" in qual):
            return rec
    return None


def owned_tag_id(node):
    if isinstance(node, dict):
        if "ownedTagDecl" in node:
            return node["ownedTagDecl"].get("id")
        for value in node.values():
            found = owned_tag_id(value)
            if found:
                return found
    elif isinstance(node, list):
        for item in node:
            found = owned_tag_id(item)
            if found:
                return found
    return None


def collect_nested_named(record, out):
    for node in record.get("inner", []):
        if node.get("kind") == "RecordDecl" and node.get("completeDefinition"):
            if node.get("name"):
                out.append(node)
            collect_nested_named(node, out)


def type_checks(ast, skip_typedefs):
    """(label, C expression) pairs for sizes and offsets of every type."""
    checks = []
    records = {}
    top = ast.get("inner", [])
    for node in top:
        if node.get("kind") == "RecordDecl" and node.get("completeDefinition"):
            records[node["id"]] = node

    def record_checks(spelling, rec):
        checks.append(("sizeof(%s)" % spelling, "sizeof(%s)" % spelling))
        fields = []
        walk_fields(rec, [], fields)
        for path, qual, canonical in fields:
            checks.append(("offsetof(%s, %s)" % (spelling, path),
                           "__builtin_offsetof(%s, %s)" % (spelling, path)))
            if qual.endswith("[]"):
                continue  # a flexible array has no size of its own
            if INTEGER_TYPE.match(canonical):
                # Same size is not enough: a signed field reads differently.
                checks.append(("signed(%s.%s)" % (spelling, path),
                               "((__typeof__(((%s *)0)->%s))-1 < 0)" % (spelling, path)))
            checks.append(("sizeof(%s.%s)" % (spelling, path),
                           "sizeof(((%s *)0)->%s)" % (spelling, path)))

    named_records = []
    for rec in records.values():
        if rec.get("name"):
            named_records.append(rec)
            collect_nested_named(rec, named_records)
    seen = set()
    for rec in named_records:
        spelling = "%s %s" % (rec["tagUsed"], rec["name"])
        if spelling not in seen:
            seen.add(spelling)
            record_checks(spelling, rec)

    for node in top:
        if node.get("kind") != "TypedefDecl" or node.get("isImplicit"):
            continue
        name = node["name"]
        if name in skip_typedefs or name.startswith(OURS_ONLY_PREFIXES):
            continue
        if name.startswith("lintel_guest_handle_"):
            continue
        checks.append(("sizeof(%s)" % name, "sizeof(%s)" % name))
        canonical = node["type"].get("desugaredQualType", node["type"]["qualType"])
        if INTEGER_TYPE.match(canonical):
            checks.append(("signed(%s)" % name, "((%s)-1 < 0)" % name))
        tag = owned_tag_id(node)
        rec = records.get(tag)
        if rec is not None and not rec.get("name"):
            record_checks(name, rec)

    for node in top:
        if node.get("kind") == "EnumDecl":
            for const in node.get("inner", []):
                if const.get("kind") == "EnumConstantDecl":
                    checks.append((const["name"], const["name"]))
    return checks


# ---------------------------------------------------------------- macros

def defined_macros(cflags, src_text, workdir, tag):
    src = os.path.join(workdir, "macros_%s.c" % tag)
    with open(src, "w") as f:
        f.write(src_text)
    res = run([CC] + CFLAGS + cflags + ["-dM", "-E", src])
    if res.returncode != 0:
        sys.exit("abi_check: preprocessing failed:\n" + res.stderr)
    names = {}
    for line in res.stdout.splitlines():
        m = re.match(r"#define (\w+)(\(?)", line)
        if m:
            names[m.group(1)] = bool(m.group(2))
    return names


def macro_candidates(ours_root, headers, workdir):
    ours = defined_macros(side_flags("ours", ours_root),
                          prologue("ours", headers), workdir, "ours")
    base = defined_macros([], "#include <stdint.h>\n#include <stddef.h>\n"
                          "#include <stdio.h>\n", workdir, "base")
    names = []
    for name, function_like in sorted(ours.items()):
        if function_like or name in base or name in OURS_ONLY:
            continue
        if name.startswith(OURS_ONLY_PREFIXES):
            continue
        names.append(name)
    return names


def integer_only(names, side, ours_root, headers, workdir):
    """Keeps the macros that are integer constant expressions on this side.

    Everything is tried in one translation unit; the lines the compiler
    rejects are dropped and the rest retried, so this costs a few compiles
    instead of one per macro.
    """
    remaining = list(names)
    rejected = []
    for _attempt in range(20):
        body = [prologue(side, headers)]
        first_line = body[0].count("\n") + 1
        for i, name in enumerate(remaining):
            body.append('_Static_assert(((%s) | 0) || 1, "m%d");\n' % (name, i))
        src = os.path.join(workdir, "intprobe_%s.c" % side)
        with open(src, "w") as f:
            f.write("".join(body))
        res = run([CC] + CFLAGS + side_flags(side, ours_root) +
                  ["-fsyntax-only", src])
        if res.returncode == 0:
            return remaining, rejected
        bad = set()
        for m in re.finditer(re.escape(src) + r":(\d+):\d+: error", res.stderr):
            idx = int(m.group(1)) - first_line
            if 0 <= idx < len(remaining):
                bad.add(idx)
        if not bad:
            sys.exit("abi_check: cannot classify macros on %s side:\n%s"
                     % (side, res.stderr[:4000]))
        rejected += [remaining[i] for i in sorted(bad)]
        remaining = [n for i, n in enumerate(remaining) if i not in bad]
    sys.exit("abi_check: macro classification did not converge")


# ---------------------------------------------------------------- probe

def probe_source(side, headers, checks):
    out = [prologue(side, headers)]
    out.append("int main(void)\n{\n")
    for label, expr in checks:
        out.append('    printf("%%s=%%lld/%%zu\\n", "%s", (long long)(%s), sizeof(%s));\n'
                   % (label.replace('"', '\\"'), expr, expr))
    out.append("    return 0;\n}\n")
    return "".join(out)


def build_and_run(side, ours_root, headers, checks, workdir):
    src = os.path.join(workdir, "probe_%s.c" % side)
    exe = os.path.join(workdir, "probe_%s" % side)
    with open(src, "w") as f:
        f.write(probe_source(side, headers, checks))
    res = run([CC] + CFLAGS + side_flags(side, ours_root) + ["-o", exe, src])
    return res, exe


def drop_failing(side, ours_root, headers, checks, workdir):
    """Compiles the probe, removing checks whose names the side lacks."""
    missing = []
    for _attempt in range(20):
        res, exe = build_and_run(side, ours_root, headers, checks, workdir)
        if res.returncode == 0:
            return exe, checks, missing
        src = os.path.join(workdir, "probe_%s.c" % side)
        first = prologue(side, headers).count("\n") + 3  # prologue + main + {
        bad = set()
        for m in re.finditer(re.escape(src) + r":(\d+):\d+: error", res.stderr):
            idx = int(m.group(1)) - first
            if 0 <= idx < len(checks):
                bad.add(idx)
        if not bad:
            sys.exit("abi_check: probe does not build on %s side:\n%s"
                     % (side, res.stderr[:4000]))
        missing += [checks[i][0] for i in sorted(bad)]
        checks = [c for i, c in enumerate(checks) if i not in bad]
    sys.exit("abi_check: probe repair did not converge")


def parse_output(text):
    result = {}
    for line in text.splitlines():
        name, _, value = line.rpartition("=")
        result[name] = value
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ours", required=True, help="our include/public directory")
    ap.add_argument("--workdir", required=True, help="where generated files go")
    ap.add_argument("--verbose", action="store_true", help="print passing checks too")
    ap.add_argument("--build-only", action="store_true",
                    help="generate and compile the probes, compare nothing")
    args = ap.parse_args()
    ours_root = os.path.abspath(args.ours)
    os.makedirs(args.workdir, exist_ok=True)

    headers = header_list(ours_root)
    ast = clang_ast(ours_root, headers, args.workdir)
    checks = type_checks(ast, baseline_typedefs(args.workdir))

    macros = macro_candidates(ours_root, headers, args.workdir)
    int_macros, not_int = integer_only(macros, "ours", ours_root, headers,
                                       args.workdir)
    checks += [(name, name) for name in int_macros]
    checks += [(expr, expr) for expr in FUNCTION_MACRO_CHECKS]
    # A macro that is a number in Xen's headers must be one in ours too.
    xen_ints, _ = integer_only(not_int, "xen", ours_root, headers, args.workdir)

    exe_ours, ours_checks, ours_missing = drop_failing(
        "ours", ours_root, headers, checks, args.workdir)
    if ours_missing:
        sys.exit("abi_check: our own probe rejected: %s" % ", ".join(ours_missing))
    exe_xen, xen_checks, xen_missing = drop_failing(
        "xen", ours_root, headers, checks, args.workdir)

    if args.build_only:
        print("abi: %d checks generated, probes built in %s"
              % (len(xen_checks), args.workdir))
        return 0

    ours_vals = parse_output(run([exe_ours]).stdout)
    xen_vals = parse_output(run([exe_xen]).stdout)

    passed = failed = 0
    for name in xen_ints:
        print("FAIL %s: an integer constant in Xen's headers, not in ours" % name)
        failed += 1
    for name in xen_missing:
        print("FAIL %s: not defined (or not the same kind) in Xen's headers" % name)
        failed += 1
    for label, _expr in xen_checks:
        mine, ref = ours_vals.get(label), xen_vals.get(label)
        if mine == ref and mine is not None:
            passed += 1
            if args.verbose:
                print("ok   %s = %s" % (label, mine))
        else:
            failed += 1
            print("FAIL %s: ours %s, Xen %s (value/size)" % (label, mine, ref))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
