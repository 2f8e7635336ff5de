"""The suite's own rules: one level marker per test, and no engine test skipped in CI without a named reason."""
