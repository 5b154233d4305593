"""Decisions of a space: who proposes and takes a position (for an organization or as a person),
one position per organization even under concurrent submissions, results while open or only at
closing, the outcome recorded and notified, reminders once before closing, nothing outside."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.notifications.models import Notification
from intranet.spaces import decisions
from intranet.spaces.models import Stance
from tests.conftest import AuthActions

CANARY = "Proposition-canari-Z8"


@pytest.fixture
def council(make_table, make_org, make_user):
    made = make_table("Espace décision", shelter="Maison Décision", bridge="Pont Décision")
    space, staff, shelter, bridge = made.space, made.staff, made.shelter, made.bridge
    people = {
        "staff": staff,
        "coord": make_user("coordinator", org=shelter),
        "coord2": make_user("coordinator", org=shelter),
        "member": make_user("member", org=shelter),
        "bridge_coord": make_user("coordinator", org=bridge),
        "outsider": make_user("coordinator", org=make_org(name="Dehors Décision")),
    }
    return space, people


def _propose(space, author, **kw):
    values = {
        "title": CANARY,
        "body": "",
        "closes_at": utcnow() + timedelta(days=3),
        "mode": "organization",
        "results_open": True,
    }
    values.update(kw)
    return decisions.propose(author, space, **values)


def _client(app, user):
    client = app.test_client()
    AuthActions(client).login(user)
    return client


def test_one_position_per_organization_given_by_its_coordinators(db, council):
    space, people = council
    proposal = _propose(space, people["member"])
    assert not decisions.can_take_position(people["member"], proposal)
    assert not decisions.can_take_position(people["outsider"], proposal)
    decisions.take_position(people["coord"], proposal, "agree", "Bonne idée.")
    decisions.take_position(people["coord2"], proposal, "block", "Pas sans budget.")  # replaces the first
    decisions.take_position(people["bridge_coord"], proposal, "abstain")
    result = decisions.results(proposal)
    assert result.counts == {"agree": 0, "abstain": 1, "disagree": 0, "block": 1}
    assert (result.total, result.expected) == (2, 2)


def test_every_person_when_so_set(db, council):
    space, people = council
    proposal = _propose(space, people["coord"], mode="person")
    for key in ("coord", "coord2", "member"):
        decisions.take_position(people[key], proposal, "agree")
    assert decisions.results(proposal).total == 3


def test_results_only_at_closing_when_so_chosen(app, db, council):
    space, people = council
    proposal = _propose(space, people["coord"], results_open=False)
    decisions.take_position(people["bridge_coord"], proposal, "disagree", "Raison-cachee-Q1")
    db.session.flush()
    page = _client(app, people["member"]).get(f"/tables/decisions/{proposal.id}").get_data(as_text=True)
    assert "Raison-cachee-Q1" not in page and "visibles à la clôture" in page
    decisions.close(people["coord"], proposal, "Nous poursuivons la discussion.")
    db.session.flush()
    page = _client(app, people["member"]).get(f"/tables/decisions/{proposal.id}").get_data(as_text=True)
    assert "Raison-cachee-Q1" in page and "Nous poursuivons la discussion." in page
    told = set(
        db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "space_outcome"))
    )
    assert {people["member"].id, people["bridge_coord"].id} <= told and people["outsider"].id not in told


def test_positions_through_the_pages(app, db, council):
    space, people = council
    client = _client(app, people["coord"])
    closes = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/tables/{space.id}/decisions/nouvelle",
        data={
            "title": "Adopter la fiche de référence commune",
            "closes_at": closes,
            "mode": "organization",
            "results": "open",
        },
    )
    assert response.status_code == 303
    proposal_url = response.headers["Location"]
    assert client.post(proposal_url + "/position", data={"choice": "agree"}).status_code == 303
    assert client.post(proposal_url + "/position", data={"choice": "nonsense"}).status_code == 422
    member = _client(app, people["member"])
    assert member.post(proposal_url + "/position", data={"choice": "block"}).status_code == 404
    assert "1 organisation sur 2 a pris position." in member.get(proposal_url).get_data(as_text=True)
    past = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/tables/{space.id}/decisions/nouvelle",
        data={"title": "Trop tard", "closes_at": past, "mode": "person", "results": "open"},
    )
    assert response.status_code == 422 and "au moins une heure" in response.get_data(as_text=True)


def test_nothing_outside_a_members_only_space(app, db, council):
    space, people = council
    proposal = _propose(space, people["coord"])
    db.session.flush()
    outsider = _client(app, people["outsider"])
    assert outsider.get(f"/tables/decisions/{proposal.id}").status_code == 404
    assert outsider.get(f"/tables/{space.id}/decisions").status_code == 404
    assert (
        outsider.post(f"/tables/decisions/{proposal.id}/position", data={"choice": "agree"}).status_code
        == 404
    )
    told = set(
        db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "space_proposal"))
    )
    assert people["outsider"].id not in told and people["bridge_coord"].id in told


def test_reminders_once_to_who_has_not_answered(db, council):
    space, people = council
    proposal = _propose(space, people["member"], closes_at=utcnow() + timedelta(hours=5))
    decisions.take_position(people["coord"], proposal, "agree")
    assert decisions.send_reminders() == 1
    assert decisions.send_reminders() == 0
    reminded = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == "space_proposal_reminder")
        )
    )
    assert reminded == {people["bridge_coord"].id}


@pytest.mark.committed
def test_two_coordinators_at_the_same_moment_leave_one_position(app, db, council):
    space, people = council
    proposal = _propose(space, people["member"])
    db.session.commit()
    proposal_id, ids = proposal.id, [people["coord"].id, people["coord2"].id]
    barrier, errors = threading.Barrier(2), []

    def answer(user_id, choice):
        try:
            with app.app_context():
                from intranet.accounts.models import User
                from intranet.database import write_intent
                from intranet.extensions import db as thread_db
                from intranet.spaces.models import Proposal

                barrier.wait(timeout=10)
                write_intent()
                decisions.take_position(
                    thread_db.session.get(User, user_id), thread_db.session.get(Proposal, proposal_id), choice
                )
                thread_db.session.commit()
                thread_db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=answer, args=(i, c)) for i, c in zip(ids, ("agree", "block"), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    db.session.rollback()
    stances = db.session.scalars(sa.select(Stance).where(Stance.proposal_id == proposal_id)).all()
    assert len(stances) == 1 and stances[0].choice.value in ("agree", "block")


def test_pages_stay_within_budget_with_500_decisions_300_positions_and_400_discussions(
    app, db, council, make_user
):
    """Issue 20's scale: the decisions list and the discussions list are paged, and a decision
    with 300 positions (every one with a reason) shows its counts and one page of reasons."""
    import gzip

    from intranet.spaces.models import Choice, Proposal, Thread

    space, people = council
    now = utcnow()
    db.session.add_all(
        Proposal(
            space_id=space.id,
            author_id=people["staff"].id,
            title=f"Proposition n° {n} sur l’accueil des familles",
            body="Texte.",
            closes_at=now + timedelta(days=n - 250),
            mode="person",
        )
        for n in range(500)
    )
    db.session.add_all(
        Thread(
            space_id=space.id,
            author_id=people["member"].id,
            title=f"Discussion n° {n} sur l’interprétariat",
            last_post_at=now - timedelta(minutes=n),
        )
        for n in range(400)
    )
    crowded = _propose(space, people["staff"], mode="person", title="Adopter la grille commune")
    choices = list(Choice)
    for n in range(300):
        person = make_user("member", org=people["member"].organization)
        db.session.add(
            Stance(
                proposal_id=crowded.id,
                voter=f"u{person.id}",
                user_id=person.id,
                organization_id=person.organization_id,
                choice=choices[n % 4],
                reason=f"Raison n° {n} : la grille nous aide à préparer l’appel.",
            )
        )
    db.session.flush()
    client = _client(app, people["coord"])
    pages = {
        f"/tables/{space.id}/decisions": "Page 1 sur 26",
        f"/tables/{space.id}/decisions?page=26": "Page 26 sur 26",
        f"/tables/{space.id}/discussions": "Page 1 sur 14",
        f"/tables/{space.id}/discussions?page=14": "Page 14 sur 14",
        f"/tables/decisions/{crowded.id}": "Page 1 sur 6",
        f"/tables/decisions/{crowded.id}?page=6": "Page 6 sur 6",
    }
    for url, pager in pages.items():
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert pager in html, url
        assert len(gzip.compress(response.get_data(), 6)) <= 14 * 1024, url
    html = client.get(f"/tables/decisions/{crowded.id}").get_data(as_text=True)
    assert "300 personnes sur" in html and html.count("<li><strong>") == decisions.REASONS_PER_PAGE
    assert [decisions.results(crowded).counts[c.value] for c in choices] == [75, 75, 75, 75]
