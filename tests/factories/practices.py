from __future__ import annotations

import pytest


@pytest.fixture
def make_practice(db, make_user):
    """A practice written by ``author`` (a new member by default), published unless told otherwise."""
    from intranet.practices import services
    from intranet.practices.models import Visibility

    def make(
        author=None,
        *,
        title: str = "Plan de sécurité co-construit",
        summary: str = "Une rencontre pour bâtir un plan de sécurité avec chaque femme.",
        body: str = "## Comment\n- Une grille commune\n- Une révision avant chaque audience",
        publish: bool = True,
        visibility: str = "network",
        themes=(),
        approaches=(),
        sectors=(),
        region=None,
        audience: str = "Intervenantes et intervenants",
    ):
        author = author or make_user("member")
        data = services.PracticeData(
            title=title,
            summary=summary,
            body=body,
            audience=audience,
            region_id=region.id if region is not None else None,
            theme_ids=[t.id for t in themes],
            approaches=list(approaches),
            sectors=list(sectors),
            visibility=Visibility(visibility),
        )
        return services.create_practice(author, data, publish=publish)

    return make


def form_data(practice=None, **overrides) -> dict:
    """What the edit form posts for ``practice`` (or a new one), with overrides."""
    data = {
        "title": practice.title if practice else "Une pratique",
        "summary": practice.summary if practice else "Un résumé.",
        "body": practice.body if practice else "Un texte.",
        "audience": practice.audience if practice else "",
        "region_id": str(practice.region_id or 0) if practice else "0",
        "visibility": practice.visibility.value if practice else "network",
        "themes": [str(t.id) for t in practice.themes] if practice else [],
        "approaches": practice.approaches if practice else [],
        "sectors": practice.sectors if practice else [],
        "action": "publish",
    }
    if practice is not None:
        data["version"] = str(practice.version)
    data.update(overrides)
    return data
