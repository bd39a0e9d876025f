#ifndef LINTEL_VERSION_H
#define LINTEL_VERSION_H

#define LINTEL_VERSION "0.1.0"
/* The guest and toolstack ABI Lintel implements. */
#define LINTEL_XEN_ABI "4.17"

#endif
