"""Tests for the pinned JSON-LD context store."""
