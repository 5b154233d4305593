from __future__ import annotations

# The practices' and advocacy's factories, shared rather than copied.
from tests.advocacy.conftest import make_position  # noqa: F401
from tests.practices.conftest import make_practice, make_theme  # noqa: F401
