from __future__ import annotations

import pytest


@pytest.fixture
def make_resource(db, make_user):
    """A resource added by ``actor`` (a new staff member by default): published unless a member
    suggests it."""
    from intranet.directory.services import resources

    def make(actor=None, *, name="Ligne d’interprètes Parole-Sûre", **fields):
        actor = actor or make_user("staff")
        data = {
            "kind": "interpreting",
            "provider": "Coopérative Parole-Sûre",
            "coverage": "regions",
            "region_ids": [],
            "languages": ["ar"],
            "modalities": ["telephone"],
            **fields,
        }
        if data["coverage"] == "regions" and not data["region_ids"]:
            import sqlalchemy as sa

            from intranet.accounts.models import Region

            region = db.session.scalar(sa.select(Region).limit(1))
            if region is None:
                from intranet.demo import ensure_regions

                region = ensure_regions()["Estrie"]
            data["region_ids"] = [region.id]
        return resources.add_resource(actor, resources.ResourceData(name=name, **data))

    return make
