from __future__ import annotations

from tests.advocacy.conftest import make_position  # noqa: F401  (fixtures)
from tests.practices.conftest import make_practice, make_theme  # noqa: F401
