"""Advocacy pages stay light with realistic data (20 items in lists), and one h1 each."""

from __future__ import annotations

import gzip
from datetime import timedelta

from intranet.advocacy import services
from intranet.advocacy.views import today
from tests.benchmarks.bench_advocacy import realistic_body

PAGE_BUDGET = 14 * 1024
FRAGMENT_BUDGET = 4 * 1024


def _size(response) -> int:
    assert response.status_code == 200, response.status_code
    return len(gzip.compress(response.get_data(), 6))


def test_pages_and_fragments_fit_their_budget(app, db, make_org, make_user, make_position, login_as):
    org = make_org(name="Maison Les Grands Vents")
    staff = make_user("staff")
    coordinator = make_user("coordinator", org=org)
    authors = [make_user("member", org=org) for _ in range(2)]
    long_text = realistic_body(3)  # about three pages of text, with footnotes and a table
    for i in range(20):
        make_position(
            authors[i % 2], title=f"Brouillon numéro {i} sur l’accès au logement des femmes", body=long_text
        )
    others = [make_org(name=f"Organisme cosignataire numéro {i}") for i in range(20)]
    published = None
    for i in range(22):
        published = make_position(
            make_user("member", org=others[i % 20]),
            status="approved",
            staff=staff,
            title=f"Position publiée numéro {i} sur la violence post-séparation",
            body=long_text,
        )
        if i == 21:
            services.open_cosigning(staff, published, today() + timedelta(days=5), today())
            for other in [o for o in others if o.id != published.organization_id]:
                services.sign(make_user("coordinator", org=other), published, today())
        services.transition(staff, published, "publish")
    reviewed = make_position(authors[0], status="changes_requested", staff=staff, body=long_text)
    for i in range(20):
        services.add_comment(
            staff, reviewed.latest_version, f"Commentaire {i} : précisez la source des chiffres du tableau."
        )
    services.transition(authors[0], reviewed, "resubmit")
    db.session.commit()

    client, _ = login_as(user=coordinator)
    pages = {
        "index": client.get("/plaidoyer/"),
        "library": client.get("/plaidoyer/bibliotheque"),
        "show": client.get(f"/plaidoyer/{reviewed.id}"),
        "show_published": client.get(f"/plaidoyer/{published.id}"),
        "version": client.get(f"/plaidoyer/{reviewed.id}/versions/1"),
        "compare": client.get(f"/plaidoyer/{reviewed.id}/comparer?de=1&a=2"),
        "edit": client.get(f"/plaidoyer/{make_position(coordinator, body=long_text).id}/modifier"),
        "new": client.get("/plaidoyer/nouveau"),
    }
    staff_client, _ = login_as(user=staff)
    pages["staff_index"] = staff_client.get("/plaidoyer/")
    for name, response in pages.items():
        body = response.get_data(as_text=True)
        assert body.count("<h1") == 1, name
        assert _size(response) <= PAGE_BUDGET, (name, _size(response))

    hx = {"HX-Request": "true"}
    fragments = {
        "library_results": client.get("/plaidoyer/bibliotheque?type=brief", headers=hx),
        "brief": client.post(f"/plaidoyer/{published.id}/dossier", headers=hx),
        "comment": staff_client.post(
            f"/plaidoyer/{reviewed.id}/versions/2", data={"body": "Merci, c’est plus clair."}, headers=hx
        ),
    }
    for name, response in fragments.items():
        assert "<html" not in response.get_data(as_text=True), name
        assert _size(response) <= FRAGMENT_BUDGET, (name, _size(response))
