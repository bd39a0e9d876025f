/* The PCI devices dom0 reported (see pci_registry.h). */
#include <lintel/errno.h>
#include <lintel/pci_registry.h>

#ifndef ENODEV
#define ENODEV 19
#endif

static int find(const struct pci_registry *r, struct pci_device_id id)
{
    for (unsigned i = 0; i < r->count; i++)
        if (r->dev[i].seg == id.seg && r->dev[i].bus == id.bus && r->dev[i].devfn == id.devfn)
            return (int)i;
    return -1;
}

int pci_registry_add(struct pci_registry *r, struct pci_device_id id)
{
    if (find(r, id) >= 0)
        return 0;
    if (r->count >= PCI_REGISTRY_MAX)
        return -ENOSPC;
    r->dev[r->count++] = id;
    return 0;
}

int pci_registry_remove(struct pci_registry *r, struct pci_device_id id)
{
    int i = find(r, id);

    if (i < 0)
        return -ENODEV;
    r->dev[i] = r->dev[--r->count];
    return 0;
}
