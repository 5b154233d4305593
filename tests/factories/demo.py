"""The demo network (``intranet.demo``), loaded whole: the accounts of its five roles."""

from __future__ import annotations

import pytest

DEMO_ROLES = ("admin", "staff", "coordinator", "member", "partner")


@pytest.fixture
def demo(app, db):
    """The demo loaded; returns ({role: email}, password)."""
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo

    load_demo()
    return dict(zip(DEMO_ROLES, (account[0] for account in ACCOUNTS[:5]), strict=True)), DEMO_PASSWORD
