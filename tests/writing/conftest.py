from __future__ import annotations

from tests.practices.conftest import make_practice, make_theme  # noqa: F401  (fixtures)
