"""Textual screens, one per file. They reach the database only through services."""
