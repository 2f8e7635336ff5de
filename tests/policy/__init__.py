"""Unit tests of the pushsmm policy rules, without the Pulumi engine."""
