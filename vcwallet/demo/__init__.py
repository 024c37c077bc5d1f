"""The demo: the bundled issuer world, served by a local HTTPS host, for ``vcwallet demo``."""
