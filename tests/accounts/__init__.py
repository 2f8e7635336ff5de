"""Several accounts: Account and the per-flow settings (account=, on_delete), and "not mine" never taken for "gone"."""
