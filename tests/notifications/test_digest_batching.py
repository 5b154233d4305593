"""A digest chunk reads its sources once for all its members: each member still gets exactly what
the source gives them alone, and never what another organization keeps to itself (rule 3)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from intranet import events
from intranet.database import utcnow
from intranet.notifications import digests
from intranet.notifications.digests import building
from intranet.notifications.models import Notification, NotificationPreference
from tests.notifications.conftest import digests_for, html_of, text_of

practices = pytest.importorskip("intranet.practices.models")
trainings = pytest.importorskip("intranet.trainings.models")
advocacy = pytest.importorskip("intranet.advocacy.models")


@pytest.fixture
def world(db, make_org, make_user):
    """Three organizations (two sharing a region), people of every role, and content of every
    visibility: network-wide and organization-only practices, drafts, sessions restricted to a
    sector or a role, full or booked, texts open for co-signing, signed or not."""
    from intranet.accounts.models import Sector

    Practice, Status, Visibility = practices.Practice, practices.Status, practices.Visibility
    now = utcnow()
    north = make_org(name="Maison du Nord", region="Côte-Nord", town="Sept-Îles")
    bay = make_org(name="Havre de la Baie", region="Côte-Nord", town="Baie-Comeau", sector=Sector.VIOLENCE)
    south = make_org(name="Pont du Sud", region="Estrie", town="Sherbrooke", sector=Sector.IMMIGRATION)
    people = {
        "north_member": make_user("member", org=north),
        "north_coordinator": make_user("coordinator", org=north),
        "bay_member": make_user("member", org=bay),
        "bay_coordinator": make_user("coordinator", org=bay),
        "south_member": make_user("member", org=south),
        "south_coordinator": make_user("coordinator", org=south),
        "staff": make_user("staff"),
    }
    orgs = {"north": north, "bay": bay, "south": south}

    # Practices: more network-wide ones than a digest takes, each organization's own, drafts.
    minutes = iter(range(1, 10_000))
    for i in range(24):
        org = (north, bay, south)[i % 3]
        db.session.add(
            Practice(
                title=f"Réseau {i}",
                summary="Résumé",
                organization_id=org.id,
                region_id=org.region_id,
                status=Status.PUBLISHED,
                visibility=Visibility.NETWORK,
                published_at=now - timedelta(hours=i * 7, minutes=next(minutes)),
            )
        )
    for name, org in orgs.items():
        for i in range(3):
            db.session.add(
                Practice(
                    title=f"Interne {name} {i}",
                    summary="Réservé",
                    organization_id=org.id,
                    region_id=org.region_id,
                    status=Status.PUBLISHED,
                    visibility=Visibility.ORGANIZATION,
                    published_at=now - timedelta(hours=2 + i * 30, minutes=next(minutes)),
                )
            )
        db.session.add(
            Practice(
                title=f"Brouillon {name}",
                summary="Brouillon",
                organization_id=org.id,
                region_id=org.region_id,
                status=Status.DRAFT,
                visibility=Visibility.NETWORK,
                published_at=None,
            )
        )

    # Sessions: open to all, restricted, full, booked by one person, announced long ago.
    training = trainings.Training(title="Approches intersectionnelles", published=True)
    hidden = trainings.Training(title="Pas encore publiée", published=False)
    db.session.add_all([training, hidden])
    db.session.flush()

    def session(hours, region, training=training, created=None, **kw):
        starts = now + timedelta(hours=hours)
        row = trainings.TrainingSession(
            training_id=training.id,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            format=trainings.SessionFormat.IN_PERSON,
            region_id=region.region_id,
            town="Ville",
            capacity=kw.pop("capacity", 10),
            registration_deadline=starts - timedelta(hours=1),
            created_at=created or now - timedelta(days=1),
            **kw,
        )
        db.session.add(row)
        db.session.flush()
        return row

    for i in range(9):
        session(30 + i * 20, (north, south)[i % 2])
    sector_only = session(50, north, allowed_sectors=[Sector.IMMIGRATION.value])
    coordinators_only = session(60, south, allowed_roles=["coordinator"])
    unpublished = session(70, south, training=hidden)
    later = session(24 * 40, north, created=now - timedelta(days=20))  # far off, announced long ago
    session(24 * 41, south, created=now - timedelta(hours=30))  # far off, announced yesterday
    full = session(80, north, capacity=1)
    booked = session(90, south)
    for row, person in ((full, people["south_member"]), (booked, people["north_member"])):
        db.session.add(
            trainings.Registration(
                session_id=row.id,
                user_id=person.id,
                status=trainings.RegistrationStatus.CONFIRMED,
                confirmed_at=now,
            )
        )

    # Texts open for co-signing from two organizations; one signed by the south.
    def position(title, org, updated, status=advocacy.Status.APPROVED, cosign_open=True):
        row = advocacy.Position(
            organization_id=org.id,
            kind=advocacy.Kind.BRIEF,
            title=title,
            summary="Résumé",
            status=status,
            cosign_open=cosign_open,
            updated_at=updated,
            submitted_at=now - timedelta(days=3),
            cosign_closes_on=(now + timedelta(days=5)).date(),
        )
        db.session.add(row)
        db.session.flush()
        return row

    position("Position du Nord", north, now - timedelta(hours=5))
    signed = position("Position de la Baie", bay, now - timedelta(hours=6))
    position("Position ancienne", bay, now - timedelta(days=40))
    position("Soumise", south, now - timedelta(hours=3), status=advocacy.Status.SUBMITTED, cosign_open=False)
    db.session.add(
        advocacy.Cosignature(
            position_id=signed.id, organization_id=south.id, signed_by_id=people["south_coordinator"].id
        )
    )
    db.session.flush()
    assert later.created_at < now - timedelta(days=10)
    return SimpleNamespace(
        people=people,
        sector_only=sector_only.id,
        coordinators_only=coordinators_only.id,
        unpublished=unpublished.id,
        full=full.id,
        booked=booked.id,
    )


BACK = [timedelta(days=31), timedelta(days=7), timedelta(days=1), timedelta(hours=1)]


def _requests(world, shift: int = 0):
    """Every member, with different dates in one chunk: a month, a week, a day, an hour back."""
    now = utcnow()
    return [(user, now - BACK[(i + shift) % len(BACK)]) for i, user in enumerate(world.people.values())]


@pytest.mark.parametrize("shift", range(len(BACK)))  # every member with every date
def test_every_source_answers_a_chunk_exactly_as_it_answers_each_member(app, db, world, shift):
    sources = [s for s in events.digest_sources() if s.collect_many is not None]
    assert {s.key for s in sources} >= {"practices", "trainings", "advocacy_cosign"}
    requests = _requests(world, shift)
    for source in sources:
        together = source.collect_many(requests)
        assert set(together) == {user.id for user, _since in requests}
        for user, since in requests:
            alone = source.collect(user, since)
            assert together[user.id] == alone, (source.key, user.role, user.organization.name, since)
    # Every session, not only a digest's first six.
    from intranet.trainings.services import open_sessions_for, open_sessions_many

    together = open_sessions_many(requests, limit=50)
    for user, since in requests:
        assert together[user.id] == open_sessions_for(user, limit=50, since=since)


def test_the_chunk_answers_hold_what_each_member_may_see_and_nothing_else(app, db, world):
    from intranet.practices.services import collect_digest, collect_digest_many
    from intranet.trainings.services import open_sessions_many

    requests = [(user, utcnow() - timedelta(days=31)) for user in world.people.values()]
    found = collect_digest_many(requests)
    names = {"Maison du Nord": "north", "Havre de la Baie": "bay", "Pont du Sud": "south"}
    for user, _since in requests:
        titles = {item.title for item in found[user.id]}
        own = names.get(user.organization.name)
        for name in names.values():
            private = {t for t in titles if t.startswith(f"Interne {name} ")}
            assert bool(private) == (name == own), (user.organization.name, private)
        assert not any(t.startswith("Brouillon") for t in titles)
        # The latest 20 of each region, as one member alone gets them.
        assert found[user.id] == collect_digest(user, _since)
        per_region = Counter(item.region_id for item in found[user.id])
        assert max(per_region.values()) <= 20

    sessions = {uid: {s.id for s in rows} for uid, rows in open_sessions_many(requests, limit=50).items()}
    people = world.people
    for key, user in people.items():
        mine = sessions[user.id]
        assert world.unpublished not in mine and world.full not in mine
        assert (world.sector_only in mine) == (key.startswith("south") or key == "staff"), key
        assert (world.coordinators_only in mine) == (key.endswith("coordinator") or key == "staff"), key
        assert (world.booked in mine) == (key != "north_member"), key


def test_two_organizations_in_one_chunk_each_get_only_their_own_private_practices(
    db, make_org, make_user, smtp
):
    Practice, Status, Visibility = practices.Practice, practices.Status, practices.Visibility
    north = make_org(name="Maison du Nord", region="Côte-Nord", town="Sept-Îles")
    south = make_org(name="Accueil du Sud", region="Côte-Nord", town="Baie-Comeau")
    readers = [make_user(org=north), make_user(org=south), make_user(org=north), make_user(org=south)]
    now = utcnow()
    for title, org, visibility in (
        ("Canari interne du Nord", north, Visibility.ORGANIZATION),
        ("Canari interne du Sud", south, Visibility.ORGANIZATION),
        ("Pratique de tout le réseau", south, Visibility.NETWORK),
    ):
        db.session.add(
            Practice(
                title=title,
                summary="Résumé",
                organization_id=org.id,
                region_id=org.region_id,
                status=Status.PUBLISHED,
                visibility=visibility,
                published_at=now - timedelta(hours=1),
            )
        )
    db.session.commit()

    counts = digests.send_batch("w2026-W48", [u.id for u in readers], chunk_size=10)  # one chunk
    assert counts["sent"] == 4
    for reader in readers:
        [mail] = digests_for(smtp, reader.email)
        everything = text_of(mail) + html_of(mail) + mail["Subject"]
        own, other = (
            ("Canari interne du Nord", "Canari interne du Sud")
            if reader.organization_id == north.id
            else ("Canari interne du Sud", "Canari interne du Nord")
        )
        assert own in everything and "Pratique de tout le réseau" in everything
        assert other not in everything


def test_notifications_of_a_chunk_are_each_members_own_latest_and_counted(db, make_user):
    now = utcnow()
    busy, quiet, other, nothing = make_user(), make_user(), make_user(), make_user()
    since_busy, since_quiet = now - timedelta(days=7), now - timedelta(days=1)

    def notify(user, title, hours, read=False):
        db.session.add(
            Notification(
                user_id=user.id,
                kind="practice_comment",
                title=title,
                endpoint="home.index",
                values={"n": 1},
                created_at=now - timedelta(hours=hours),
                read_at=now if read else None,
            )
        )

    for i in range(13):
        notify(busy, f"Occupée {i}", 1 + i)
    notify(busy, "Lue", 2, read=True)
    notify(busy, "Trop ancienne", 24 * 8)
    notify(quiet, "Récente", 3)
    notify(quiet, "Avant son dernier résumé", 30)
    notify(other, "Celle d’une autre", 1)
    db.session.flush()

    found = building._notifications_of(
        [(busy.id, since_busy), (quiet.id, since_quiet), (nothing.id, since_busy)], now
    )
    assert set(found) == {busy.id, quiet.id, nothing.id}
    items, more = found[busy.id]
    assert [i.title for i in items] == [f"Occupée {i}" for i in range(digests.MAX_NOTIFICATIONS)]
    assert more == 13 - digests.MAX_NOTIFICATIONS
    assert items[0].kind == "notification:practice_comment" and items[0].values == {"n": 1}
    assert [i.title for i in found[quiet.id][0]] == ["Récente"] and found[quiet.id][1] == 0
    assert found[nothing.id] == ([], 0)
    # One member alone gets the same.
    assert building._notification_items(busy, since_busy, now) == found[busy.id]
    assert building._notification_items(quiet, since_quiet, now) == found[quiet.id]


def test_a_chunk_reads_its_sources_in_queries_that_do_not_grow_with_its_members(app, db, world, make_user):
    """Round trips per chunk, not per member (members who are not staff: the review source asks
    only for the staff)."""
    engine = db.session.get_bind()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    members = [u for u in world.people.values() if not u.is_staff]
    more = members + [make_user("member", org=u.organization) for u in members for _ in range(3)]
    since = utcnow() - timedelta(days=7)
    used = {}
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for label, chunk in (("small", members), ("large", more)):
            statements.clear()
            building._collect_chunk([(u, since) for u in chunk])
            building._notifications_of([(u.id, since) for u in chunk], utcnow())
            used[label] = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert used["small"] == used["large"], used


def test_what_a_batch_remembers_never_crosses_levels_or_languages(
    app, db, make_org, make_user, sources, email_level
):
    """A batch builds each link and shows each item once (``EmailLinks``): members of one batch at
    different levels and in different languages, sharing the same items, each get exactly the
    email rendered for them alone."""
    from intranet.notifications.digests import EmailLinks, build_digest, render_digest

    practices = sources.add()
    sources.add("sessions", kind="session", heading="Formations")
    org = make_org(name="Maison de la Baie")
    for i in range(3):
        practices.add(
            f"Pratique partagée {i}", org, summary=f"Un résumé à ne montrer qu’au niveau complet {i}"
        )
    email_level("full")
    readers = [make_user(org=org, locale=locale) for locale in ("fr", "en", "fr", "en")]
    email_level("titles", readers[2])
    email_level("titles", readers[3])
    db.session.commit()
    until = utcnow()
    since = until - timedelta(days=7)
    shared = EmailLinks(app)
    for reader in readers * 2:  # twice: the second round reads only what the first remembered
        pref = db.session.get(NotificationPreference, reader.id)
        digest = build_digest(reader, pref, since, until)
        alone = render_digest(reader, pref, digest, EmailLinks(app))
        assert render_digest(reader, pref, digest, shared) == alone
    assert shared.shown and shared.built
    full_fr, titles_fr = (
        render_digest(
            r, db.session.get(NotificationPreference, r.id), build_digest(r, None, since, until), shared
        )[0]
        for r in (readers[0], readers[2])
    )
    assert "résumé à ne montrer" in full_fr.body_text and "résumé à ne montrer" not in titles_fr.body_text
