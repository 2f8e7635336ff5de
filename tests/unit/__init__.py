"""Unit tests: no network, no engine."""
