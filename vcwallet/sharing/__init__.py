"""Sharing credentials outside the wallet: baked badge images and links for public profiles.

A learner shares a badge where wallets do not reach (a portfolio page, a social profile, an
email signature); these modules turn a stored credential into something those places accept,
without losing the ability to verify it.
"""
