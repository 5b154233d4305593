"""In-app notifications: stored from the ``notify`` contract, counted in the header, listed, read."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from intranet.database import utcnow
from intranet.events import notify
from intranet.notifications.models import Notification
from intranet.notifications.services import prune
from tests.notifications.conftest import gzip_size

HX = {"HX-Request": "true"}


def _notify(users, actor=None, **kw):
    values = dict(
        kind="practice_comment", title="Commentaire sur « Accueil »", endpoint="home.index", values={}
    )
    values.update(kw)
    notify.send(None, user_ids=[u.id for u in users], actor_id=actor.id if actor else None, **values)


def _rows(db, user):
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)).all()


def test_notify_stores_a_row_per_member_in_the_senders_transaction_but_not_for_the_actor(db, make_user):
    author, commenter, other = make_user(), make_user(), make_user()
    _notify([author, commenter, author], actor=commenter, organization_id=author.organization_id)
    db.session.flush()
    assert [n.kind for n in _rows(db, author)] == ["practice_comment"]
    assert _rows(db, commenter) == [] and _rows(db, other) == []
    # Rolled back with the change that caused it.
    db.session.rollback()
    assert _rows(db, author) == []


def test_header_counts_unread_and_the_list_shows_them(login_as, db):
    client, member = login_as("member")
    # Two objects (one notification per object and kind: issue 17).
    _notify([member], title="Une place s’est libérée", kind="waitlist_promoted", values={"session": 1})
    _notify([member], title="Brouillon révisé", kind="draft_reviewed", values={"position": 1})
    db.session.commit()

    home = client.get("/").get_data(as_text=True)
    bell = re.search(r'<li id="notif-bell".*?</li>', home, re.S).group(0)
    assert '<span class="count">2</span>' in bell and 'hx-trigger="notifications-changed from:body"' in bell
    assert "Une place s’est libérée" in home  # the home page's "for you" section

    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("<h1>") == 1
    assert "Place obtenue en formation" in page and "Révision de votre brouillon" in page
    assert "2 notifications non lues." in page

    fragment = client.get("/notifications/compteur", headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert '<span class="count">2</span>' in fragment.get_data(as_text=True)


def test_mark_read_with_htmx_updates_the_item_and_tells_the_header(login_as, db):
    client, member = login_as("member")
    _notify([member])
    db.session.commit()
    [n] = _rows(db, member)
    response = client.post(f"/notifications/{n.id}/lu", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "notifications-changed"
    body = response.get_data(as_text=True)
    assert body.startswith(f'<li id="notif-{n.id}" class="notif">') and "Marquer comme lue" not in body
    assert '<span class="count">' not in client.get("/notifications/compteur", headers=HX).get_data(
        as_text=True
    )


def test_without_javascript_reading_redirects_and_opening_goes_to_the_object(login_as, db):
    client, member = login_as("member")
    _notify([member], endpoint="notifications.preferences")
    _notify([member])
    db.session.commit()
    first, second = sorted(_rows(db, member), key=lambda n: n.id)
    opened = client.post(f"/notifications/{first.id}/ouvrir")
    assert opened.status_code == 303 and opened.headers["Location"] == "/notifications/preferences"
    read = client.post(f"/notifications/{second.id}/lu", data={"next": "/notifications?page=1"})
    assert read.status_code == 303 and read.headers["Location"] == "/notifications?page=1"
    db.session.expire_all()
    assert all(n.read_at is not None for n in _rows(db, member))
    # An off-site "next" is not followed.
    again = client.post(f"/notifications/{second.id}/lu", data={"next": "https://ailleurs.example/"})
    assert again.headers["Location"] == "/notifications"


def test_mark_all_read(login_as, db):
    client, member = login_as("member")
    for i in range(3):
        _notify([member], title=f"Avis {i}")
    db.session.commit()
    fragment = client.post("/notifications/tout-lu", headers=HX)
    assert fragment.status_code == 200 and "Tout est lu." in fragment.get_data(as_text=True)
    assert fragment.headers["HX-Trigger"] == "notifications-changed"
    db.session.expire_all()
    assert all(n.read_at for n in _rows(db, member))
    assert client.post("/notifications/tout-lu").status_code == 303


def test_another_members_notification_is_a_404_for_everyone_else(login_as, make_user, db):
    owner = make_user()
    _notify([owner])
    db.session.commit()
    [n] = _rows(db, owner)
    for role in ("member", "coordinator", "staff", "admin"):
        client, _user = login_as(role)
        assert client.post(f"/notifications/{n.id}/lu").status_code == 404
        assert client.post(f"/notifications/{n.id}/ouvrir").status_code == 404
        assert "Commentaire sur" not in client.get("/notifications").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, n.id).read_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/notifications").status_code == 302
    assert client.get("/notifications/compteur", headers=HX).status_code == 401


def test_a_link_to_a_page_that_no_longer_exists_does_not_break_the_list(login_as, db):
    client, member = login_as("member")
    _notify([member], endpoint="fonctionnalite.disparue", values={"x": 1}, title="Objet disparu")
    db.session.commit()
    page = client.get("/notifications")
    assert page.status_code == 200 and "Objet disparu" in page.get_data(as_text=True)
    [n] = _rows(db, member)
    assert client.post(f"/notifications/{n.id}/ouvrir").headers["Location"] == "/notifications"


def test_list_page_with_many_notifications_stays_light(login_as, db):
    client, member = login_as("member")
    for i in range(45):
        _notify([member], title=f"Commentaire sur « Pratique d’accueil interculturel {i} »", values={"p": i})
    db.session.commit()
    page = client.get("/notifications")
    assert gzip_size(page.get_data()) <= 14 * 1024
    assert page.get_data(as_text=True).count('class="notif unread"') == 20
    full_fragment = client.get("/notifications?page=1", headers=HX)
    assert full_fragment.get_data(as_text=True).count('class="notif unread"') == 20
    assert gzip_size(full_fragment.get_data()) <= 4 * 1024
    second = client.get("/notifications?page=3", headers=HX)
    assert second.status_code == 200 and gzip_size(second.get_data()) <= 4 * 1024
    assert second.get_data(as_text=True).count('class="notif unread"') == 5
    assert "Page 3 sur 3" in second.get_data(as_text=True)


def test_english_interface(login_as, db):
    client, member = login_as("member", locale="en")
    _notify([member], kind="cosign_request", title="Position commune")
    db.session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert "Co-signing request" in page and "1 unread notification." in page and "Mark as read" in page


def test_old_notifications_are_pruned(db, make_user):
    member = make_user()
    now = utcnow()
    db.session.add_all(
        [
            Notification(
                user_id=member.id,
                kind="x",
                title="lue il y a longtemps",
                endpoint="home.index",
                created_at=now - timedelta(days=200),
                read_at=now - timedelta(days=100),
            ),
            Notification(
                user_id=member.id,
                kind="x",
                title="lue récemment",
                endpoint="home.index",
                created_at=now - timedelta(days=200),
                read_at=now - timedelta(days=10),
            ),
            Notification(
                user_id=member.id,
                kind="x",
                title="non lue, très vieille",
                endpoint="home.index",
                created_at=now - timedelta(days=400),
            ),
            Notification(
                user_id=member.id,
                kind="x",
                title="non lue",
                endpoint="home.index",
                created_at=now - timedelta(days=100),
            ),
        ]
    )
    db.session.flush()
    assert prune(now) == 2
    assert sorted(n.title for n in _rows(db, member)) == ["lue récemment", "non lue"]
