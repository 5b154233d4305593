"""Calm notifications (issue 17): one per member, object and kind, counted; the home page's
"Pour vous" lists distinct objects, each a link; opening an object reads its notifications."""

from __future__ import annotations

import re

import sqlalchemy as sa

from intranet.events import notify, retire
from intranet.notifications.models import Notification


def _notify(user, kind="practice_comment", practice_id=1, title="Accueil interculturel", actor=None):
    notify.send(
        None,
        user_ids=[user.id],
        kind=kind,
        title=title,
        endpoint="practices.show",
        values={"practice_id": practice_id},
        actor_id=actor.id if actor else None,
    )


def _rows(db, user):
    return db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def test_events_of_one_kind_on_one_object_count_in_one_notification(db, make_user, login_as):
    client, member = login_as("member")
    for _ in range(3):
        _notify(member)
    _notify(member, practice_id=2, title="Plan de sécurité")
    db.session.commit()
    rows = _rows(db, member)
    assert [(r.object_key, r.count) for r in rows] == [
        ("practices.show:practice_id=1", 3),
        ("practices.show:practice_id=2", 1),
    ]
    page = client.get("/notifications").get_data(as_text=True)
    assert "3 commentaires sur votre pratique" in page
    assert page.count("Commentaire sur votre pratique") == 1  # the single one keeps its label
    # Read, then a new event: the same row comes back unread, counting from one.
    rows[0].read_at = rows[0].created_at
    db.session.commit()
    _notify(member)
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Notification, rows[0].id)
    assert again.count == 1 and again.read_at is None
    assert len(_rows(db, member)) == 2


def test_retire_removes_a_kind_about_an_object_for_everyone(db, make_user):
    first, second = make_user(), make_user()
    for user in (first, second):
        _notify(user, kind="practice_report")
        _notify(user, kind="practice_comment")
    retire.send(None, object_key="practices.show:practice_id=1", kinds=["practice_report"])
    db.session.flush()
    assert [r.kind for r in _rows(db, first)] == ["practice_comment"]
    assert [r.kind for r in _rows(db, second)] == ["practice_comment"]


def test_home_lists_distinct_objects_each_a_link(db, login_as):
    client, member = login_as("member")
    _notify(member, kind="practice_comment", practice_id=7, title="Accueil interculturel")
    _notify(member, kind="practice_withdrawn", practice_id=7, title="Accueil interculturel")
    _notify(member, kind="practice_comment", practice_id=8, title="Plan de sécurité")
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="home-notifications".*?</section>', home, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert len(items) == 2  # two objects, whatever the number of notifications about them
    # Newest first, each a link to its object's page.
    assert '<a href="/pratiques/8">Plan de sécurité</a>' in items[0]
    assert '<a href="/pratiques/7">Accueil interculturel</a>' in items[1]


def test_opening_the_object_reads_it_but_a_background_request_does_not(db, login_as):
    client, member = login_as("member")
    _notify(member, practice_id=123456)
    _notify(member, practice_id=2)
    db.session.commit()
    # A region refreshing itself is not the person opening the page.
    client.get("/pratiques/123456", headers={"X-Background": "1", "HX-Request": "true"})
    db.session.expire_all()
    assert all(r.read_at is None for r in _rows(db, member))
    client.get("/pratiques/123456")
    db.session.expire_all()
    first, second = _rows(db, member)
    assert first.read_at is not None and second.read_at is None
    # Another member opening the same page reads nothing of theirs.
    other_client, other = login_as("member")
    _notify(other, practice_id=2)
    db.session.commit()
    other_client.get("/pratiques/123456")
    db.session.expire_all()
    assert all(r.read_at is None for r in _rows(db, other))
