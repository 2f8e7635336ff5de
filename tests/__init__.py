"""Tests of pulumi-pushsmm."""
