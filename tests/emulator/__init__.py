"""Tests of the local pushsmm emulator, all over real HTTP on loopback."""
