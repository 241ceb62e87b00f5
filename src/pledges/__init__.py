"""pledges: track government commitments in a YAML ledger kept in git."""

__version__ = "0.1.0"
