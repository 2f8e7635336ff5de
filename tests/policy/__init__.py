"""Policy rule tests without the engine."""
