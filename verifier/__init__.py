"""vcwallet's verifier: decides whether a credential or presentation can be trusted.

Nothing here does I/O on import; every outside effect (network, clock, contexts, DID resolution)
is passed in by the caller.
"""
