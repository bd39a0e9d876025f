/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: the states a split-driver end publishes in the store
 * ("state" node) while the two ends connect and disconnect.
 */
#ifndef LINTEL_PUBLIC_IO_XENBUS_H
#define LINTEL_PUBLIC_IO_XENBUS_H

enum xenbus_state {
    XenbusStateUnknown       = 0,
    XenbusStateInitialising  = 1,
    XenbusStateInitWait      = 2,  /* backend: waiting for the frontend's details */
    XenbusStateInitialised   = 3,  /* frontend: ring and event channel published */
    XenbusStateConnected     = 4,
    XenbusStateClosing       = 5,
    XenbusStateClosed        = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured  = 8
};
typedef enum xenbus_state XenbusState;

#endif /* LINTEL_PUBLIC_IO_XENBUS_H */
