"""Reusable widgets and display helpers."""
