"""Retries under faults: the retry policy, the client and provider under injected faults, one up converging."""
