"""Tests that run the real Pulumi CLI."""
