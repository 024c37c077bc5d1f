"""The educator's wallet and the ``vcwallet`` command line."""
