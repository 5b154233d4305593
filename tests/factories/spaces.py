"""Factories for the regional tables: ``make_table()`` gives a space where a shelter and a bridging
organization (the immigration sector) sit, opened by a staff member."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def make_table(db, make_org, make_user):
    from intranet.accounts.models import Sector
    from intranet.spaces import services
    from intranet.spaces.models import SpaceVisibility

    def make(name: str = "Table d’essai", *, visibility: str = "members", shelter: str | None = None,
             bridge: str | None = None, immigration_seats: int = 1):  # fmt: skip
        staff = make_user("staff")
        shelter_org = make_org(name=shelter or f"Maison {name}", sector=Sector.SHELTER)
        bridge_org = make_org(name=bridge or f"Pont {name}", sector=Sector.IMMIGRATION)
        space = services.create_space(
            staff, name=name, description="", visibility=SpaceVisibility(visibility).value,
            immigration_seats=immigration_seats,
        )  # fmt: skip
        services.seat(staff, space, shelter_org)
        services.seat(staff, space, bridge_org)
        return SimpleNamespace(space=space, staff=staff, shelter=shelter_org, bridge=bridge_org)

    return make
