"""Fixtures that make the objects of each feature (``make_practice``, ``make_session``...).

They are loaded for the whole suite by ``pytest_plugins`` in ``tests/conftest.py``: a test asks for
``make_session`` by name, wherever it lives, without importing anything.
"""
