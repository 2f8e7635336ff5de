"""The HTTP client: reading pushsmm's answers, sessions and proxies, the per-request debug log."""
