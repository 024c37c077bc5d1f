"""The one error every command turns into exit code 2 with its message: a problem with the
command line or the environment (not with a credential or the wallet, which carry codes)."""

from __future__ import annotations


class UsageError(Exception):
    """A problem with the command line or environment; exit code 2."""


__all__ = ["UsageError"]
