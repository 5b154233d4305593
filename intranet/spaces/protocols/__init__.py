"""Protocols of a space (issue 20): drafted together with versions and their differences, opened
for signature, adopted by organizations, reviewed, printed by a worker. ``services`` holds the
rules, ``views`` the pages (on the spaces blueprint), ``models`` the tables."""
