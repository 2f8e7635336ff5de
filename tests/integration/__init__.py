"""Integration tests: the provider and client against the emulator over real HTTP on loopback."""
