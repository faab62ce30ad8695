"""CLI commands (to be filled by their owner)."""

from revalign.cli.app import app  # noqa: F401
