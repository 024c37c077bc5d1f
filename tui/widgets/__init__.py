"""Reusable widgets: the report checklist, status pills, the badge card."""
