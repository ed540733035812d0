"""The domain: one module per capability. Knows nothing of Textual.

Every function takes the session and the acting staff member as keyword-only
arguments, checks permission, and returns plain read models (frozen dataclasses),
never live ORM rows.
"""
