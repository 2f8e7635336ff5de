"""The docs name only code and tests that exist."""
