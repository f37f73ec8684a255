"""The version of medocs: written here only (pyproject.toml reads it through hatch)."""

__version__ = "0.1.0"
