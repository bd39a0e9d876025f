/* Stand-in symbol table for the first link pass (see tools/gen-symbols.sh). */
        .section .lintel.symbols, "a"
        .balign 8
        .globl lintel_symbol_count, lintel_symbols, lintel_symbol_names
lintel_symbol_count:
        .quad 0
lintel_symbols:
lintel_symbol_names:
        .byte 0
