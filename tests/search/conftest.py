from __future__ import annotations

from tests.advocacy.conftest import make_position  # noqa: F401  (fixture)
from tests.directory.conftest import make_resource  # noqa: F401  (fixture)
from tests.practices.conftest import make_practice  # noqa: F401  (fixture)
from tests.trainings.conftest import make_session, make_training  # noqa: F401  (fixtures)
