"""The get_* lookups of websites and flows."""
