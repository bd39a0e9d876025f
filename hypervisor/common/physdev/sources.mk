# Physical interrupts for dom0 (dom0 helper): MADT routing and the PIRQ
# table (pure), the IO-APIC, PHYSDEVOP_* and interrupt delivery.
PURE_SRCS += common/physdev/irq_routing.c common/physdev/pci_registry.c
HV_SRCS += common/physdev/irq_routing.c common/physdev/pci_registry.c common/physdev/physdev.c arch/x86_64/ioapic.c
