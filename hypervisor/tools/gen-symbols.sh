#!/bin/sh
# Turns `nm -n` output of the first-pass image into the assembly symbol
# table that the second pass links in (see arch/x86_64/stacktrace.c).
# Only text symbols are kept: their addresses cannot change between the
# passes because the table is placed after all code.
set -eu
image="$1"
nm -n --defined-only "$image" | awk '
$2 ~ /^[tTwW]$/ && $3 !~ /^\.L/ && $3 != "_start" && $3 != "_stext" && $3 != "_etext" {
    addr[n] = $1; name[n] = $3; n++
}
END {
    print "\t.section .lintel.symbols, \"a\""
    print "\t.balign 8"
    print "\t.globl lintel_symbol_count, lintel_symbols, lintel_symbol_names"
    print "lintel_symbol_count:\n\t.quad " n
    print "lintel_symbols:"
    off = 0
    for (i = 0; i < n; i++) {
        print "\t.quad 0x" addr[i] "\n\t.long " off ", 0"
        off += length(name[i]) + 1
    }
    print "lintel_symbol_names:"
    for (i = 0; i < n; i++)
        print "\t.asciz \"" name[i] "\""
}'
