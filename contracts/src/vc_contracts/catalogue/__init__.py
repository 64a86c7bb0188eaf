"""The event catalogue: importing this package registers every public event, one module per owner."""

from vc_contracts.catalogue import assessment, ledger, registry, reporting

__all__ = ["assessment", "ledger", "registry", "reporting"]
