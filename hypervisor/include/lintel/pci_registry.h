/*
 * The PCI devices dom0 has reported (PHYSDEVOP_pci_device_add and the older
 * manage_pci_* calls). Lintel drives no PCI device and does no passthrough
 * yet: this is the record such work would start from, shown by the 'Q'
 * key. Pure logic, also compiled into the host unit tests.
 */
#ifndef LINTEL_PCI_REGISTRY_H
#define LINTEL_PCI_REGISTRY_H

#include <lintel/types.h>

#define PCI_REGISTRY_MAX 256

struct pci_device_id {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};

struct pci_registry {
    unsigned count;
    struct pci_device_id dev[PCI_REGISTRY_MAX];
};

/* 0 (also for a device already known, as Xen), or -ENOSPC when full. */
int pci_registry_add(struct pci_registry *r, struct pci_device_id id);
/* 0, or -ENODEV for a device never added. */
int pci_registry_remove(struct pci_registry *r, struct pci_device_id id);

#endif
