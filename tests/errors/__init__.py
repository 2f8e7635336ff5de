"""Errors a person can read: one message per expected failure, across the Pulumi SDKs allowed."""
