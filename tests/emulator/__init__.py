"""The local twin of the pushsmm API, over real HTTP on loopback."""
