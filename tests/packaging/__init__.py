"""The package as a user installs it: the wheel outside the repository."""
