"""Spaces and discussions: who reads and takes part, the guard on every post, mentions, following,
unread markers, edit history and removal, pages of a long thread."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from intranet.accounts.models import Sector
from intranet.guard.models import GuardConfirmation
from intranet.notifications.models import Notification
from intranet.spaces import services
from intranet.spaces.models import Post, PostRevision, SpaceVisibility, ThreadReader
from tests.conftest import AuthActions

CANARY = "Canari-espace-7Q2"


@pytest.fixture
def table(db, make_org, make_user):
    """A members-only thematic space with two member organizations (both sectors) and an outsider."""
    staff = make_user("staff")
    shelter = make_org(name="Maison Test Rive", sector=Sector.SHELTER)
    bridge = make_org(name="Pont Test", sector=Sector.IMMIGRATION)
    outside = make_org(name="Dehors Test")
    space = services.create_space(
        staff,
        name=f"Espace {CANARY}",
        description="",
        visibility=SpaceVisibility.MEMBERS.value,
        immigration_seats=1,
    )
    services.seat(staff, space, shelter)
    services.seat(staff, space, bridge)
    people = {
        "staff": staff,
        "shelter": make_user("member", org=shelter, name="Rose Rivière"),
        "bridge": make_user("member", org=bridge, name="Amina Pont"),
        "outsider": make_user("member", org=outside, name="Olga Dehors"),
    }
    thread = services.start_thread(people["shelter"], space, title=f"Sujet {CANARY}", body="Premier message.")
    db.session.flush()
    return space, thread, people


def _client(app, auth, user):
    client = app.test_client()
    AuthActions(client).login(user)
    return client


def test_members_only_space_is_invisible_outside(app, auth, table):
    space, thread, people = table
    outsider = _client(app, auth, people["outsider"])
    assert CANARY not in outsider.get("/tables/").get_data(as_text=True)
    for url in (f"/tables/{space.id}", f"/tables/discussions/{thread.id}", f"/tables/{space.id}/discussions"):
        assert outsider.get(url).status_code == 404, url
    assert (
        outsider.post(f"/tables/discussions/{thread.id}/repondre", data={"body": "Bonjour"}).status_code
        == 404
    )
    member = _client(app, auth, people["bridge"])
    assert CANARY in member.get("/tables/").get_data(as_text=True)
    assert CANARY in member.get(f"/tables/discussions/{thread.id}").get_data(as_text=True)
    staff = _client(app, auth, people["staff"])
    assert staff.get(f"/tables/{space.id}").status_code == 200


def test_network_space_is_read_by_all_but_discussed_by_members(app, auth, db, table):
    space, thread, people = table
    space.visibility = SpaceVisibility.NETWORK
    db.session.flush()
    outsider = _client(app, auth, people["outsider"])
    page = outsider.get(f"/tables/discussions/{thread.id}").get_data(as_text=True)
    assert CANARY in page and "Publier la réponse" not in page
    assert (
        outsider.post(f"/tables/discussions/{thread.id}/repondre", data={"body": "Bonjour"}).status_code
        == 404
    )
    assert outsider.get(f"/tables/{space.id}/discussions/nouvelle").status_code == 404


def test_only_managers_seat_organizations(app, auth, db, make_org, table):
    space, _thread, people = table
    newcomer = make_org(name="Nouvelle Test")
    member = _client(app, auth, people["shelter"])
    assert member.get(f"/tables/{space.id}/parametres").status_code == 404
    assert (
        member.post(f"/tables/{space.id}/membres", data={"organization_id": newcomer.id}).status_code == 404
    )
    services.name_facilitator(people["staff"], space, people["shelter"])
    db.session.flush()
    response = member.post(f"/tables/{space.id}/membres", data={"organization_id": newcomer.id})
    assert response.status_code == 303
    assert newcomer.id in [m.organization_id for m in services.members(space)]


def test_a_post_goes_through_the_guard(app, auth, db, table):
    space, thread, people = table
    client = _client(app, auth, people["shelter"])
    text = "Elle habite au 1200, boulevard Saint-Germain, Rimouski, son cell : 581-555-0133."
    response = client.post(f"/tables/discussions/{thread.id}/repondre", data={"body": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<mark>1200, boulevard Saint-Germain</mark>" in page and "<mark>581-555-0133</mark>" in page
    assert thread.post_count == 1
    fingerprint = re.search(r'name="confirm_personal" value="([0-9a-f]+)"', page).group(1)
    response = client.post(
        f"/tables/discussions/{thread.id}/repondre", data={"body": text, "confirm_personal": fingerprint}
    )
    assert response.status_code == 303
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.number == 2))
    record = db.session.scalar(
        sa.select(GuardConfirmation).where(GuardConfirmation.object_type == "space_post")
    )
    assert record.object_id == post.id and record.kinds == "address,phone"


def test_mentions_reach_readers_only(app, auth, db, table):
    space, thread, people = table
    services.reply(people["shelter"], thread, "Merci @Amina Pont, et @Olga Dehors si elle lit ceci.")
    db.session.flush()
    told = set(
        db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "space_mention"))
    )
    assert people["bridge"].id in told and people["outsider"].id not in told


def test_followers_are_told_of_replies_unless_muted(db, table):
    space, thread, people = table
    services.reply(people["bridge"], thread, "Une réponse.")  # the author of the thread follows it
    services.set_watch(people["shelter"], thread, "muted")
    services.reply(people["bridge"], thread, "Une autre réponse.")
    db.session.flush()
    rows = list(db.session.scalars(sa.select(Notification).where(Notification.kind == "space_reply")))
    assert [n.user_id for n in rows] == [people["shelter"].id]


def test_unread_marker_and_pages_of_a_long_thread(app, auth, db, table):
    space, thread, people = table
    reader = _client(app, auth, people["bridge"])
    reader.get(f"/tables/discussions/{thread.id}")  # reads post 1
    for i in range(2, 66):
        services.reply(people["shelter"], thread, f"Message numéro {i}.")
    db.session.flush()
    lines = services.recent_threads(people["bridge"], space)
    assert lines[0].unread == 64
    page = reader.get(f"/tables/discussions/{thread.id}").get_data(as_text=True)
    assert "Nouveaux depuis votre dernière visite" in page
    assert 'id="m2"' in page and "Page 1 sur 3" in page
    last = reader.get(f"/tables/discussions/{thread.id}?page=99").get_data(as_text=True)
    assert "Message numéro 65." in last and "Page 3 sur 3" in last
    reached = db.session.scalar(
        sa.select(ThreadReader.last_read_number).where(
            ThreadReader.thread_id == thread.id, ThreadReader.user_id == people["bridge"].id
        )
    )
    assert reached == 65


def test_quote_edit_history_and_removal(app, auth, db, table):
    space, thread, people = table
    client = _client(app, auth, people["shelter"])
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    page = client.get(f"/tables/discussions/{thread.id}?citer={post.id}").get_data(as_text=True)
    assert "&gt; Premier message." in page
    assert (
        client.post(
            f"/tables/messages/{post.id}/modifier", data={"body": "Nouveau texte Retire-K9"}
        ).status_code
        == 303
    )
    history = client.get(f"/tables/messages/{post.id}/historique").get_data(as_text=True)
    assert "Premier message." in history and "Nouveau texte Retire-K9" in history
    other = _client(app, auth, people["bridge"])
    assert other.post(f"/tables/messages/{post.id}/modifier", data={"body": "x"}).status_code == 404
    assert client.post(f"/tables/messages/{post.id}/retirer").status_code == 303
    db.session.refresh(post)
    assert post.body == "" and post.deleted_at is not None
    assert (
        db.session.scalar(sa.select(sa.func.count(PostRevision.id)).where(PostRevision.post_id == post.id))
        == 0
    )
    assert "Retire-K9" not in client.get(f"/tables/messages/{post.id}/historique").get_data(as_text=True)


def test_report_reaches_the_facilitators(app, auth, db, table):
    space, thread, people = table
    services.name_facilitator(people["staff"], space, people["bridge"])
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    client = _client(app, auth, people["shelter"])
    assert (
        client.post(f"/tables/messages/{post.id}/signaler", data={"reason": "Trop précis."}).status_code
        == 303
    )
    facilitator = _client(app, auth, people["bridge"])
    assert "Trop précis." in facilitator.get(f"/tables/{space.id}/signalements").get_data(as_text=True)
    assert client.get(f"/tables/{space.id}/signalements").status_code == 404


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "abc"])
def test_hostile_numbers_are_not_errors(app, auth, table, value):
    space, thread, people = table
    client = _client(app, auth, people["shelter"])
    assert client.get(f"/tables/discussions/{thread.id}?citer={value}&page={value}").status_code == 200


def test_digest_tells_seated_organizations_of_new_discussions(db, table):
    from datetime import timedelta

    from intranet.database import utcnow

    space, thread, people = table
    since = utcnow() - timedelta(days=1)
    assert [i.title for i in services.digest_items(people["bridge"], since)] == [thread.title]
    assert services.digest_items(people["outsider"], since) == []
    assert services.digest_items(people["shelter"], since) == []  # their own
    assert services.digest_items(people["bridge"], utcnow() + timedelta(seconds=1)) == []


def test_a_passage_of_a_post_is_redacted_from_the_post_and_its_versions(app, auth, db, table):
    space, thread, people = table
    post = services.reply(people["shelter"], thread, "Avant. Passage-a-retirer-X4 ici.")
    services.edit_post(people["shelter"], post, "Après. Passage-a-retirer-X4 encore.")
    db.session.flush()
    client = _client(app, auth, people["shelter"])
    page = client.get(f"/tables/discussions/{thread.id}?page=1").get_data(as_text=True)
    assert f"/retrait/space_post/{post.id}" in page
    outsider = _client(app, auth, people["bridge"])
    assert outsider.get(f"/retrait/space_post/{post.id}").status_code == 404  # not the author
    form = client.get(f"/retrait/space_post/{post.id}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form))
    data = {k: v for k, v in fields.items() if k != "csrf_token"}
    data.update({"passage": "Passage-a-retirer-X4", "confirm": "y"})
    response = client.post(f"/retrait/space_post/{post.id}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    texts = [db.session.scalar(sa.select(Post.body).where(Post.id == post.id))]
    texts += list(db.session.scalars(sa.select(PostRevision.body).where(PostRevision.post_id == post.id)))
    assert texts and not any("Passage-a-retirer-X4" in t for t in texts)
