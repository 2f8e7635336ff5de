"""The package version, defined here only: pyproject.toml reads it, ``pulumi_pushsmm.__version__`` re-exports it."""

__version__ = "0.1.0"
