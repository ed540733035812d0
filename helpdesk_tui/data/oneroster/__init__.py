"""OneRoster CSV (1.1 and 1.2): reading a district's SIS export into the roster, and
writing the demo district as one.

files.py opens a folder or a .zip and decodes each CSV; parse.py turns rows into
checked records; staging.py loads them into temporary tables; checks.py settles and
cross-checks them in SQL; merge.py applies them to the roster in one transaction;
export.py writes an export.
"""
