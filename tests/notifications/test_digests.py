"""Digests: content limited to what the member may see and cares about, sent once, in their language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from intranet.database import utcnow
from intranet.mail.models import MailStatus, OutboxMessage
from intranet.notifications import digests
from intranet.notifications.models import (
    DeliveryStatus,
    DigestDelivery,
    Frequency,
    Notification,
    NotificationPreference,
)
from tests.notifications.conftest import digests_for, html_of, text_of

# A Monday, noon in Québec (the network's time zone): weekly digests of Monday are due.
MONDAY_NOON = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
WEEK = "w2026-W48"


def _send(db, period, users):
    db.session.commit()
    return digests.send_batch(period, [u.id for u in users])


def test_another_organizations_private_items_never_appear(db, make_org, make_user, sources, smtp):
    practices = sources.add()
    north, south = make_org(name="Maison du Nord"), make_org(name="Maison du Sud")
    reader_north, reader_south = make_user(org=north), make_user(org=south)
    practices.add("Pratique ouverte du Nord", north)
    practices.add("Brouillon secret du Nord", north, private=True)
    practices.add("Pratique ouverte du Sud", south)

    counts = _send(db, WEEK, [reader_north, reader_south])

    assert counts["sent"] == 2
    [north_mail] = digests_for(smtp, reader_north.email)
    [south_mail] = digests_for(smtp, reader_south.email)
    assert "Brouillon secret du Nord" in text_of(north_mail)
    assert "Brouillon secret du Nord" in html_of(north_mail)
    for part in (text_of(south_mail), html_of(south_mail), south_mail["Subject"]):
        assert "Brouillon secret du Nord" not in part
        assert "Pratique ouverte du Nord" in part or part == south_mail["Subject"]
    # Each member's own sources were asked with that member, never a shared answer.
    assert {uid for uid, _since in practices.calls} == {reader_north.id, reader_south.id}


def test_nothing_new_means_no_email_but_the_period_is_recorded(db, make_user, sources, smtp):
    sources.add()
    quiet = make_user()
    counts = _send(db, WEEK, [quiet])
    assert counts == {**counts, "queued": 0, "empty": 1, "sent": 0}
    assert smtp.messages == []
    row = db.session.scalar(sa.select(DigestDelivery).where(DigestDelivery.user_id == quiet.id))
    assert row.status == DeliveryStatus.EMPTY and row.outbox_message_id is None


def test_standing_items_alone_do_not_make_a_digest(db, make_org, make_user, sources, smtp):
    sessions = sources.add("sessions", kind="session", heading="Formations", standing=True)
    practices = sources.add()
    org = make_org()
    member = make_user(org=org)
    sessions.add("Séance avec des places", org)
    _send(db, WEEK, [member])
    assert digests_for(smtp, member.email) == []

    practices.add("Une vraie nouveauté", org, created_at=utcnow())
    _send(db, "w2026-W49", [member])
    [mail] = digests_for(smtp, member.email)
    assert "Séance avec des places" in text_of(mail) and "Une vraie nouveauté" in text_of(mail)


def test_interests_filter_practices_and_put_the_members_region_first(
    db, make_org, make_user, make_region, sources, smtp
):
    practices = sources.add()
    sessions = sources.add("sessions", kind="session", heading="Formations", order=20)
    estrie, gaspesie = make_region("Estrie"), make_region("Gaspésie–Îles-de-la-Madeleine")
    org = make_org(region="Estrie")
    member = make_user(org=org)
    practices.add("Pratique d’Estrie sur le thème 1", org, region_id=estrie.id, theme_ids=(1,))
    practices.add("Pratique de Gaspésie", org, region_id=gaspesie.id, theme_ids=(1,))
    practices.add("Pratique d’Estrie sur le thème 2", org, region_id=estrie.id, theme_ids=(2,))
    sessions.add("Séance à Gaspé", org, region_id=gaspesie.id)
    sessions.add("Séance à Sherbrooke, thème 2", org, region_id=estrie.id, theme_ids=(2,))
    sessions.add("Séance à Sherbrooke", org, region_id=estrie.id)
    sessions.add("Séance à Magog, thème 1", org, region_id=estrie.id, theme_ids=(1,))
    db.session.add(
        NotificationPreference(user_id=member.id, frequency=Frequency.WEEKLY, region_ids=[], theme_ids=[1])
    )

    _send(db, WEEK, [member])
    text = text_of(digests_for(smtp, member.email)[0])
    assert "Pratique d’Estrie sur le thème 1" in text
    assert "Pratique de Gaspésie" not in text  # default: their organization's region only
    assert "Pratique d’Estrie sur le thème 2" not in text  # they follow theme 1 only
    # Sessions are not filtered, but those of their region come first, and among them those on the
    # themes they follow (or on no theme in particular), in the source's order.
    lines = [line.strip() for line in text.splitlines()]
    titles = (
        "Séance à Sherbrooke",
        "Séance à Magog, thème 1",
        "Séance à Sherbrooke, thème 2",
        "Séance à Gaspé",
    )
    order = [next(i for i, line in enumerate(lines) if line.endswith(title)) for title in titles]
    assert order == sorted(order), [lines[i] for i in order]


def test_unread_notifications_since_the_last_digest_are_included(db, make_user, sources, smtp):
    sources.add()
    member = make_user()
    old = Notification(
        user_id=member.id,
        kind="practice_comment",
        title="Ancien commentaire",
        endpoint="home.index",
        created_at=utcnow() - timedelta(days=20),
    )
    fresh = Notification(
        user_id=member.id, kind="waitlist_promoted", title="Place libérée à Rimouski", endpoint="home.index"
    )
    read = Notification(
        user_id=member.id, kind="cosign_request", title="Déjà lue", endpoint="home.index", read_at=utcnow()
    )
    db.session.add_all([old, fresh, read])
    _send(db, WEEK, [member])
    text = text_of(digests_for(smtp, member.email)[0])
    assert "Place libérée à Rimouski" in text and "Place obtenue en formation" in text
    assert "Ancien commentaire" not in text and "Déjà lue" not in text


def test_the_next_digest_starts_where_the_last_one_stopped(db, make_org, make_user, sources, smtp):
    practices = sources.add()
    org = make_org()
    member = make_user(org=org)
    practices.add("Première nouvelle", org)
    _send(db, WEEK, [member])
    practices.add("Deuxième nouvelle", org, created_at=utcnow())
    _send(db, "w2026-W49", [member])
    first, second = digests_for(smtp, member.email)
    assert "Première nouvelle" in text_of(first)
    assert "Première nouvelle" not in text_of(second) and "Deuxième nouvelle" in text_of(second)


def test_a_digest_is_multipart_light_and_offers_one_click_unsubscribe(db, make_org, make_user, sources, smtp):
    practices = sources.add()
    org = make_org()
    member = make_user(org=org)
    # A busy week: more than the email shows, with long summaries.
    for i in range(30):
        practices.add(f"Pratique numéro {i} <b>pas du HTML</b>", org, summary="Résumé " + "très long " * 80)
    for i in range(15):
        db.session.add(
            Notification(
                user_id=member.id, kind="practice_comment", title=f"Commentaire {i}", endpoint="home.index"
            )
        )
    _send(db, WEEK, [member])
    [mail] = digests_for(smtp, member.email)

    assert mail.get_content_type() == "multipart/alternative"
    html = html_of(mail)
    assert len(html.encode()) <= 20 * 1024
    assert "<img" not in html.lower() and "url(" not in html.lower()
    assert "<b>pas du HTML</b>" not in html and "&lt;b&gt;pas du HTML&lt;/b&gt;" in html
    assert "… et 22 autres éléments" in text_of(mail)
    assert "viewport" in html
    # RFC 2369 and RFC 8058 headers, pointing to a signed link that needs no sign-in.
    unsubscribe = re.fullmatch(r"<(http://passerelle\.test/desabonnement/\S+)>", mail["List-Unsubscribe"])
    assert unsubscribe is not None
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.group(1) in text_of(mail) and "/notifications/preferences" in text_of(mail)
    assert mail["Subject"] == "Votre résumé de la semaine : 45 nouveautés"


def test_both_languages(db, make_org, make_user, sources, smtp):
    practices = sources.add()
    org = make_org()
    french = make_user(org=org, locale="fr")
    english = make_user(org=org, locale="en")
    # The interface in French, the emails in English: the digest follows the email language.
    bilingual = make_user(org=org, locale="fr")
    db.session.add(NotificationPreference(user_id=bilingual.id, frequency=Frequency.DAILY, locale="en"))
    practices.add("Plan de sécurité", org)
    db.session.add(
        Notification(user_id=english.id, kind="cosign_request", title="Position", endpoint="home.index")
    )

    _send(db, WEEK, [french, english])
    _send(db, "d2026-11-23", [bilingual])
    [fr] = digests_for(smtp, french.email)
    [en] = digests_for(smtp, english.email)
    [bi] = digests_for(smtp, bilingual.email)
    assert fr["Subject"].startswith("Votre résumé de la semaine")
    assert "Bonjour" in text_of(fr) and "Ne plus recevoir ce résumé" in text_of(fr)
    assert en["Subject"] == "Your weekly digest: 2 new items"
    assert "Hello" in text_of(en) and "Co-signing request" in text_of(en)
    assert "Stop receiving this digest" in html_of(en) and "Bonjour" not in html_of(en)
    assert bi["Subject"] == "Your daily digest: 1 new item"


def test_members_who_may_not_receive_get_nothing(db, make_org, make_user, sources, smtp):
    practices = sources.add()
    org = make_org()
    practices.add("Nouveauté", org)
    inactive = make_user(org=org, active=False)
    never_signed_in = make_user(org=org, password=None)
    stopped = make_user(org=org)
    db.session.add(NotificationPreference(user_id=stopped.id, frequency=Frequency.NEVER))
    counts = _send(db, WEEK, [inactive, never_signed_in, stopped])
    assert counts["queued"] == 0 and smtp.messages == []


def test_same_batch_twice_sends_once(db, make_org, make_user, sources, smtp):
    practices = sources.add()
    org = make_org()
    members = [make_user(org=org) for _ in range(3)]
    practices.add("Nouveauté", org)
    first = _send(db, WEEK, members)
    again = _send(db, WEEK, members)
    assert first["sent"] == 3 and again["sent"] == 0 and again["skipped"] == 3
    assert len(smtp.messages) == 3
    assert (
        db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.kind == "digest"))
        == 3
    )


def test_a_doubled_schedule_sends_each_member_one_digest(
    app, db, make_org, make_user, sources, smtp, run_jobs
):
    from jobs.notifications import plan_digests

    practices = sources.add()
    org = make_org()
    members = [make_user(org=org) for _ in range(5)]
    practices.add("Nouveauté", org)
    db.session.commit()
    app.config["DIGEST_BATCH_SIZE"] = 2
    try:
        first = plan_digests(MONDAY_NOON.isoformat())
        second = plan_digests(MONDAY_NOON.isoformat())  # the scheduler fired twice
        assert first["batches"] == 3 and second["already_queued"] == 3
        run_jobs()
        # A third run after the batches were done finds nobody left.
        assert plan_digests(MONDAY_NOON.isoformat())["members"] == 0
    finally:
        app.config["DIGEST_BATCH_SIZE"] = 200
    smtp.wait_for(5)
    for member in members:
        assert len(digests_for(smtp, member.email)) == 1
    assert len(smtp.messages) == 5


def test_who_is_due_and_when(db, make_user):
    default = make_user()  # weekly on Monday
    daily = make_user()
    thursday = make_user()
    never = make_user()
    db.session.add_all(
        [
            NotificationPreference(user_id=daily.id, frequency=Frequency.DAILY),
            NotificationPreference(user_id=thursday.id, frequency=Frequency.WEEKLY, weekday=3),
            NotificationPreference(user_id=never.id, frequency=Frequency.NEVER),
        ]
    )
    db.session.flush()

    def due(when):
        return {
            key: set(ids) & {default.id, daily.id, thursday.id, never.id}
            for key, ids in digests.due_members(when).items()
        }

    # Monday 5 a.m. in Québec: too early for anyone.
    assert due(datetime(2026, 11, 23, 10, 0, tzinfo=UTC)) == {}
    assert due(MONDAY_NOON) == {"d2026-11-23": {daily.id}, WEEK: {default.id}}
    # Saturday: Thursday's member is due (and Monday's, if the scheduler had been down all week).
    saturday = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    assert due(saturday) == {"d2026-11-28": {daily.id}, WEEK: {default.id, thursday.id}}
    db.session.add(
        DigestDelivery(
            user_id=default.id,
            period_key=WEEK,
            status=DeliveryStatus.QUEUED,
            covers_since=utcnow(),
            covers_until=utcnow(),
        )
    )
    db.session.flush()
    assert due(saturday)[WEEK] == {thursday.id}


def test_preferences_changed_after_planning_are_respected(db, make_org, make_user, sources, smtp):
    practices = sources.add()
    org = make_org()
    member = make_user(org=org)
    practices.add("Nouveauté", org)
    db.session.add(NotificationPreference(user_id=member.id, frequency=Frequency.DAILY))
    counts = _send(db, WEEK, [member])  # planned weekly, but they chose daily meanwhile
    assert counts["skipped"] == 1 and smtp.messages == []
    assert db.session.scalar(sa.select(DigestDelivery.id).where(DigestDelivery.user_id == member.id)) is None


def test_a_refused_digest_is_flagged_not_retried(db, make_org, make_user, sources, smtp):
    practices = sources.add()
    org = make_org()
    gone, fine = make_user(org=org), make_user(org=org)
    practices.add("Nouveauté", org)
    smtp.handler.refuse.add(gone.email)
    counts = _send(db, WEEK, [gone, fine])
    assert counts["refused"] == 1 and counts["sent"] == 1
    status = db.session.scalar(sa.select(OutboxMessage.status).where(OutboxMessage.to_address == gone.email))
    assert status == MailStatus.REFUSED
    assert len(digests_for(smtp, fine.email)) == 1
    # The next period does not knock on the same closed door; the ledger says why.
    practices.add("Autre nouveauté", org, created_at=utcnow())
    later = _send(db, "w2026-W49", [gone, fine])
    assert later["refused_address"] == 1 and later["sent"] == 1 and later["refused"] == 0
    row = db.session.scalar(
        sa.select(DigestDelivery).where(
            DigestDelivery.user_id == gone.id, DigestDelivery.period_key == "w2026-W49"
        )
    )
    assert row.status == DeliveryStatus.REFUSED_ADDRESS
    # Once the address is corrected, digests resume.
    gone.email = "nouvelle-adresse@essai.example"
    assert _send(db, "w2026-W50", [gone])["queued"] == 1


def test_the_administrator_sees_what_each_period_recorded_and_delivered(
    db, make_org, make_user, login_as, sources, smtp
):
    practices = sources.add()
    org = make_org()
    busy, quiet, gone = make_user(org=org), make_user(org=org), make_user(org=org)
    practices.add("Nouveauté", org, private=True)
    other = make_org()
    quiet.organization_id = other.id
    smtp.handler.refuse.add(gone.email)
    _send(db, WEEK, [busy, quiet, gone])
    _send(db, "w2026-W49", [gone])

    admin, _admin = login_as("admin")
    page = admin.get("/notifications/envois")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = re.search(r"<tr><th scope=\"row\">Semaine 48 de 2026</th>(.*?)</tr>", html).group(1)
    # written 2, delivered 1, pending 0, nothing new 1, refused 1
    assert re.findall(r"<td[^>]*>(\d+)</td>", row)[:5] == ["2", "1", "0", "1", "1"]
    assert "Semaine 49 de 2026" in html
    member, _member = login_as("member")
    assert member.get("/notifications/envois").status_code == 403


def test_a_very_busy_digest_is_shortened_to_stay_light(db, make_org, make_user, sources, smtp):
    org = make_org()
    member = make_user(org=org)
    for k in range(6):
        source = sources.add(f"source{k}", heading=f"Rubrique {k}", order=k)
        for i in range(30):
            source.add(f"Titre très long {k}-{i} " + "mot " * 70, org, summary="Résumé détaillé " * 40)
    for _i in range(12):
        db.session.add(
            Notification(
                user_id=member.id, kind="practice_comment", title="Avis " + "x" * 290, endpoint="home.index"
            )
        )
    _send(db, WEEK, [member])
    [mail] = digests_for(smtp, member.email)
    html = html_of(mail)
    assert len(html.encode()) <= 20 * 1024
    assert all(f"Rubrique {k}" in html for k in range(6))
    assert "Titre très long 5-0" in html  # every section keeps at least its first item
    assert mail["Subject"] == "Votre résumé de la semaine : 192 nouveautés"
