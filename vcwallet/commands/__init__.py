"""Subcommands of the ``vcwallet`` command line, one module each."""
