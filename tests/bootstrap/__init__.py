"""The Pulumi CLI the bootstrap provides: the engine runs offline at the pinned version."""
