"""Discreet email (issue 9): every kind of email, at every level, in both languages, says no more
than the level allows. Canaries are planted where each email could leak them (an organization's
name, a person's name, a title, a free text) and looked for in the subject, every header, both
bodies, the attachments (decoded) and every link.

What each level may carry, besides the neutral envelope (which carries no canary, ever):
* full: everything;
* titles: titles, nothing else (no organization or person name, no summary, note or room);
* discreet: nothing at all (an email about content becomes "N new items" and a sign-in link).
A kind of content capped by the network (drafts under review: titles) never goes beyond its cap.
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from flask import Flask

from intranet.database import utcnow
from intranet.mail import privacy
from intranet.mail.models import OutboxMessage
from intranet.mail.privacy import Level
from intranet.mail.services import build_message
from tests.factories.email_world import ORG, PERSON

TITLE = "Titre Canaritre violence conjugale"
FREE = "Texte Canarilibre"
CANARIES = {"org": ORG, "person": PERSON, "title": TITLE, "free": FREE}
# What each effective level may show in a body.
ALLOWED = {Level.FULL: {"org", "person", "title", "free"}, Level.TITLES: {"title"}, Level.DISCREET: set()}
BASE = "http://passerelle.test"
ORGANIZATION_KEYS = {"organization_name", "inviting_organization"}


def _markers(text: str) -> set[str]:
    """Which canaries a text holds (by their one distinctive word: a shortened title still counts)."""
    folded = text.lower()
    return {key for key, value in CANARIES.items() if value.split()[1].lower() in folded}


def _parts(message) -> dict[str, str]:
    parts = {"subject": str(message["Subject"])}
    parts["headers"] = "\n".join(f"{k}: {v}" for k, v in message.items())
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        # iCalendar folds long lines: unfold before looking.
        if part.get_content_type() == "text/calendar":
            payload = re.sub(r"\r?\n[ \t]", "", payload)
        parts[part.get_filename() or part.get_content_type()] = payload
    return parts


URL = re.compile(r"""https?://[^\s"'<>)]+""")


def _check_message(message, level: Level, *, expect_content: bool, kind: str | None = None) -> None:
    parts = _parts(message)
    envelope = parts.pop("subject") + "\n" + parts.pop("headers")
    assert not _markers(envelope), f"the envelope says too much at {level}: {envelope}"
    assert not privacy.revealing_words(str(message["Subject"]) + str(message["From"]))
    allowed = set(ALLOWED[level])
    if kind and level == Level.TITLES and privacy.email_kind(kind).keeps & ORGANIZATION_KEYS:
        allowed.add("org")  # who speaks, not content: an invitation names its organization (issue 17)
    leaked = {name: _markers(text) - allowed for name, text in parts.items()}
    assert not any(leaked.values()), f"at {level}: {leaked}"
    if expect_content and level != Level.DISCREET:
        # A positive control: the level's allowance is really shown, so the checks above can fail.
        body = parts["text/plain"]
        assert "title" in _markers(body), body
    for text in parts.values():
        for url in URL.findall(text):
            if "visio.example" in url:  # the online meeting's own link, shown at "full" only
                assert level == Level.FULL
                continue
            assert url.startswith(BASE), url
            decoded = unquote(url).lower()
            assert not _markers(decoded) and "canari" not in decoded, url
            assert not privacy.revealing_words(decoded), url
    html = parts.get("text/html", "")
    assert "<img" not in html and " src=" not in html and "url(" not in html  # no remote content


def _outbox(db, kind: str, user) -> list:
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.to_address == user.email)
        .order_by(OutboxMessage.id)
    ).all()
    return [email.message_from_bytes(bytes(build_message(row)), policy=email.policy.default) for row in rows]


# --- one scenario per kind of email: it makes the email happen for real and returns the recipient


def _invitation(world, locale, services):
    from intranet.accounts.models import Role
    from intranet.accounts.services import Invitation, invite

    return invite(
        world.admin,
        Invitation(
            email=f"invitee-{locale}@essai.example",
            name=PERSON + " invitee",
            organization_id=world.org.id,
            role=Role.MEMBER,
            locale=locale,
        ),
    )


def _password_reset(world, locale, services):
    from intranet.accounts.services import request_password_reset

    user = world.person(locale)
    request_password_reset(user.email)
    return user


def _security_notice(world, locale, services):
    from intranet.accounts.services import reset_two_factor

    user = world.person(locale, two_factor=True)
    reset_two_factor(world.admin, user)
    return user


def _session(services):
    training = services["make_training"](TITLE, trainer=PERSON)
    return services["make_session"](training, capacity=1, room_details=FREE, town="Sherbrooke")


def _training_confirmed(world, locale, services):
    from intranet.trainings import services as trainings

    coordinator = world.person("fr", role="coordinator")
    coordinator.name = PERSON + " coordonnatrice"
    user = world.person(locale)
    trainings.register(coordinator, _session(services), user)  # "registered by" a named colleague
    return user


def _training_waiting(world, locale, services):
    from intranet.trainings import services as trainings

    session = _session(services)
    first = world.person("fr")
    trainings.register(first, session, first)
    user = world.person(locale)
    trainings.register(user, session, user)
    return user


def _training_promoted(world, locale, services):
    from intranet.trainings import services as trainings

    session = _session(services)
    first = world.person("fr")
    seat = trainings.register(first, session, first)
    user = world.person(locale)
    trainings.register(user, session, user)
    trainings.cancel_registration(first, seat)
    return user


def _training_registration_cancelled(world, locale, services):
    from intranet.trainings import services as trainings

    coordinator = world.person("fr", role="coordinator")
    user = world.person(locale)
    seat = trainings.register(user, _session(services), user)
    trainings.cancel_registration(coordinator, seat)  # "cancelled by" a named colleague
    return user


def _training_session_cancelled(world, locale, services):
    from intranet.trainings import services as trainings

    session = _session(services)
    user = world.person(locale)
    trainings.register(user, session, user)
    trainings.cancel_session(world.staff, session, FREE)
    return user


def _training_changed(world, locale, services):
    from intranet.trainings import services as trainings

    session = _session(services)
    user = world.person(locale)
    registration = trainings.register(user, session, user)
    trainings._email_changed(registration)  # what update_session sends (tested with its triggers)
    return user


def _training_reminder(world, locale, services):
    from intranet.trainings import services as trainings

    session = services["make_session"](
        services["make_training"](TITLE), starts_in=timedelta(days=1, hours=20), room_details=FREE
    )
    user = world.person(locale)
    registration = trainings.register(user, session, user)
    registration.confirmed_at = utcnow() - timedelta(days=5)
    assert trainings.send_due_reminders() == 1
    return user


def _advocacy_transition(world, locale, services):
    from intranet.advocacy import services as advocacy

    user = world.person(locale)
    position = services["make_position"](user, status="submitted", title=TITLE, staff=world.staff)
    advocacy.transition(world.staff, position, "start_review")
    advocacy.transition(world.staff, position, "request_changes", FREE)
    return user


def _practice_withdrawn(world, locale, services):
    from intranet.practices import services as practices

    user = world.person(locale)
    practice = services["make_practice"](user, title=TITLE, summary=FREE + " résumé")
    practices.withdraw(world.staff, practice, FREE)
    return user


def _census_reminder(world, locale, services):
    from datetime import date

    from intranet.census.models import Period
    from intranet.census.services import campaigns

    campaign = campaigns.create_campaign(
        world.staff,
        campaigns.CampaignData(
            name=TITLE, period=Period.YEAR, starts_on=date(2026, 1, 1), region_ids=[world.org.region_id]
        ),
    )
    campaigns.open_campaign(world.staff, campaign)
    user = world.person(locale, role="coordinator")
    assert campaigns.send_reminders(world.staff, campaign, date(2026, 12, 1)) >= 1
    return user


def _directory_profile_stale(world, locale, services):
    from intranet.directory.models import Profile
    from intranet.directory.services import staleness

    user = world.person(locale, role="coordinator")
    profile = services["db"].session.get(Profile, world.org.id)
    profile.confirmed_at = utcnow() - timedelta(days=400)
    assert staleness.remind_stale_profiles() == 1
    return user


def _digest(frequency):
    def scenario(world, locale, services):
        from intranet.notifications import digests
        from intranet.notifications.models import Frequency, Notification, NotificationPreference

        user = world.person(locale, role="coordinator")
        pref = services["db"].session.get(NotificationPreference, user.id) or NotificationPreference(
            user_id=user.id
        )
        pref.frequency = Frequency(frequency)
        pref.region_ids = [world.org.region_id]
        pref.theme_ids = []
        services["db"].session.add(pref)
        colleague = world.person("fr")
        colleague.name = PERSON + " autrice"
        services["make_practice"](colleague, title=TITLE, summary=FREE + " résumé")
        services["make_session"](services["make_training"](TITLE + " formation"))
        from intranet.directory.services import resources as directory

        directory.add_resource(
            world.staff,
            directory.ResourceData(
                name=TITLE + " ressource",
                kind="interpreting",
                provider=ORG,
                coverage="province",
                description=FREE,
            ),
        )
        for kind in ("practice_comment", "advocacy_request_changes", "cosign_request"):
            services["db"].session.add(
                Notification(user_id=user.id, kind=kind, title=TITLE, endpoint="home.index")
            )
        services["db"].session.commit()
        key = "d2026-11-23" if frequency == "daily" else "w2026-W48"
        counts = digests.send_batch(key, [user.id])
        assert counts["queued"] == 1, counts
        return user

    return scenario


def _space_post(world, locale, services):
    from intranet.spaces import services as spaces

    user = world.person(locale)
    colleague = world.person("fr")
    colleague.name = PERSON + " autrice"
    space = spaces.create_space(
        world.staff, name="Espace", description="", visibility="members", immigration_seats=0
    )
    spaces.seat(world.staff, space, world.org)
    thread = spaces.start_thread(user, space, title=TITLE, body="Premier message.")
    spaces.reply(colleague, thread, FREE + " réponse")
    return user


def _space_reply_refused(world, locale, services):
    from email.message import EmailMessage

    from intranet.spaces import replies
    from intranet.spaces import services as spaces

    user = world.person(locale)
    space = spaces.create_space(
        world.staff, name="Espace", description="", visibility="members", immigration_seats=0
    )
    spaces.seat(world.staff, space, world.org)
    thread = spaces.start_thread(world.person("fr"), space, title=TITLE, body="Premier message.")
    message = EmailMessage()
    message["From"] = user.email
    message.set_content(FREE + " au 245, rue des Érables")
    assert replies.handle_reply(replies.make_token(user.id, thread.id), message).reason == "guard"
    return user


SCENARIOS = {
    "space_post": _space_post,
    "space_reply_refused": _space_reply_refused,
    "invitation": _invitation,
    "password_reset": _password_reset,
    "security_notice": _security_notice,
    "training_confirmed": _training_confirmed,
    "training_waiting": _training_waiting,
    "training_promoted": _training_promoted,
    "training_registration_cancelled": _training_registration_cancelled,
    "training_session_cancelled": _training_session_cancelled,
    "training_changed": _training_changed,
    "training_reminder": _training_reminder,
    "advocacy_transition": _advocacy_transition,
    "practice_withdrawn": _practice_withdrawn,
    "census_reminder": _census_reminder,
    "directory_profile_stale": _directory_profile_stale,
    "digest_daily": _digest("daily"),
    "digest_weekly": _digest("weekly"),
}
FUNCTIONAL = {
    "invitation",
    "password_reset",
    "security_notice",
    "space_reply_refused",
}  # no content to show but a link
# About an organization, not a titled item: its positive control is the organization's name at "full".
UNTITLED = {"directory_profile_stale"}


def test_kinds_registered_on_one_app_stay_on_it(app):
    # Registries live on the app: another app's kinds of email and of content are its own.
    other = Flask("other")
    privacy.register_email_kind(other, privacy.EmailKind("elsewhere", "space", "Ailleurs", "Ailleurs"))
    privacy.register_item_content(other, "elsewhere_item", "space")
    assert "elsewhere" not in privacy.email_kinds()
    assert privacy.content_of_item("notification:elsewhere_item") == "other"
    assert privacy.email_kind("space_post").content == "space"  # the spaces' init_app registered it
    assert privacy.content_of_item("notification:space_protocol_open") == "space"
    with other.app_context():
        assert privacy.email_kind("elsewhere").content == "space"
        assert "invitation" in privacy.email_kinds() and "space_post" not in privacy.email_kinds()
        assert privacy.content_of_item("notification:elsewhere_item") == "space"
        assert privacy.content_of_item("practice") == "practice"
    with pytest.raises(ValueError):
        privacy.register_item_content(other, "elsewhere_item", "no such content")


def test_every_kind_of_email_has_a_scenario():
    # "discreet" is not sent by itself: it is what any email about content becomes at that level.
    assert set(SCENARIOS) == set(privacy.email_kinds()) - {"discreet"}


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("level", list(Level))
@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_no_email_says_more_than_its_level(
    kind,
    level,
    locale,
    db,
    world,
    email_level,
    smtp,
    make_practice,
    make_session,
    make_training,
    make_position,
):
    services = {
        "db": db,
        "make_practice": make_practice,
        "make_session": make_session,
        "make_training": make_training,
        "make_position": make_position,
    }
    email_level(level.value)  # the network's default: every recipient here keeps it
    user = SCENARIOS[kind](world, locale, services)
    db.session.flush()
    messages = _outbox(db, "digest" if kind.startswith("digest") else kind, user)
    assert messages, f"no {kind} email was written"
    content = privacy.email_kind(kind).content
    effective = privacy.lowest(level, privacy.settings().cap(content))
    for message in messages:
        if kind.startswith("digest"):
            effective = level  # per item: capped items are checked below
        _check_message(message, effective, expect_content=kind not in FUNCTIONAL | UNTITLED, kind=kind)
        body = message.get_body(("plain",)).get_content()
        english = locale == "en"
        assert ("Hello" in body) == english and ("Bonjour" in body) != english, body
        if level == Level.DISCREET and kind not in FUNCTIONAL:
            assert re.search(r"(nouvel|nouveaux) élément|new items?\b", body), body
            assert f"{BASE}/" in body
        if effective == Level.FULL and kind in UNTITLED:
            assert "org" in _markers(body), body
        if level == Level.FULL and kind in ("training_confirmed", "training_registration_cancelled"):
            assert "person" in _markers(body)  # the colleague who acted is named at "full" only
        calendar = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        for part in calendar:
            text = part.get_payload(decode=True).decode()
            if level == Level.DISCREET:
                assert "LOCATION" not in text
                assert ("SUMMARY:Rendez-vous" in text) or ("SUMMARY:Appointment" in text)
            else:
                assert "Canaritre" in text


def test_a_capped_kind_stays_within_its_cap_even_for_a_member_who_chose_full(
    db, world, email_level, smtp, make_position
):
    from intranet.advocacy import services as advocacy

    author = world.person("fr")
    email_level("full", author)
    position = make_position(author, status="submitted", title=TITLE, staff=world.staff)
    advocacy.transition(world.staff, position, "start_review")
    advocacy.transition(world.staff, position, "request_changes", FREE)
    # Two steps within a few minutes: one email (issue 17), about the latest.
    [changes] = _outbox(db, "advocacy_transition", author)
    _check_message(changes, Level.TITLES, expect_content=True)
    # Once published, the text is no longer a draft: "full" shows what the member chose.
    advocacy.transition(author, position, "resubmit")
    advocacy.transition(world.staff, position, "start_review")
    advocacy.transition(world.staff, position, "approve")
    advocacy.transition(world.staff, position, "publish")
    published = _outbox(db, "advocacy_transition", author)[-1]
    assert "Canaritre" in published.get_body(("plain",)).get_content()


def test_the_member_s_choice_wins_over_the_network_default(db, world, email_level):
    email_level("full")
    quiet = world.person("fr")
    email_level("discreet", quiet)
    assert privacy.level_for(privacy.preference_of(quiet.id), "training") == Level.DISCREET
    loud = world.person("fr")
    assert privacy.level_for(privacy.preference_of(loud.id), "training") == Level.FULL
    email_level("titles")
    assert privacy.level_for(privacy.preference_of(loud.id), "training") == Level.TITLES


def test_the_administrator_s_envelope_is_used_and_checked(app, db, world, login_as, email_level, smtp):
    from intranet.accounts.services import request_password_reset

    client, _admin = login_as("admin")
    page = client.get("/gestion/courriels")
    assert page.status_code == 200 and "Enveloppe neutre" in page.get_data(as_text=True)
    form = {
        "default_level": "titles",
        **{f"cap_{key}": "full" for key in privacy.CONTENT_KINDS},
        "sender_fr": "Bureau Lumière",
        "sender_en": "Lumière Office",
        "subject_password_reset_fr": "Un petit mot",
        "subject_password_reset_en": "A short note",
        "subject_digest_weekly_fr": "Nouvelles de la semaine ({n})",
    }
    refused = client.post("/gestion/courriels", data={**form, "sender_fr": "Maison d’hébergement Lumière"})
    assert refused.status_code == 422
    assert "hebergement" in refused.get_data(as_text=True) or "hébergement" in refused.get_data(as_text=True)
    refused = client.post("/gestion/courriels", data={**form, "subject_password_reset_en": "Hi {name}"})
    assert refused.status_code == 422 and "{name}" in refused.get_data(as_text=True)
    refused = client.post("/gestion/courriels", data={**form, "cap_practice": "loud"})
    assert refused.status_code == 422
    assert client.post("/gestion/courriels", data=form).status_code == 303
    privacy.forget_settings()
    settings = privacy.settings()
    assert settings.sender_name("fr") == "Bureau Lumière" and settings.subject("digest_weekly", "fr", 3) == (
        "Nouvelles de la semaine (3)"
    )
    for locale, name, subject in (
        ("fr", "Bureau Lumière", "Un petit mot"),
        ("en", "Lumière Office", "A short note"),
    ):
        user = world.person(locale)
        request_password_reset(user.email)
        [message] = _outbox(db, "password_reset", user)
        assert message["Subject"] == subject
        assert message["From"].addresses[0].display_name == name
        assert message["From"].addresses[0].addr_spec == app.config["MAIL_DEFAULT_SENDER"].split("<")[
            1
        ].strip(">")


@pytest.mark.parametrize("level", ["full", "titles", "discreet", "network"])
def test_the_preview_shows_the_email_at_the_level_asked(level, db, login_as, email_level, make_practice):
    client, _member = login_as("member")
    make_practice(title=TITLE, summary=FREE + " résumé")  # by a colleague, for the whole network
    page = client.get(f"/notifications/apercu?email_level={level}").get_data(as_text=True)
    shown = Level.TITLES if level == "network" else Level(level)
    assert ("Canaritre" in page) == (shown != Level.DISCREET)
    assert ("Canarilibre" in page) == (shown == Level.FULL)
    fragment = client.get(f"/notifications/apercu?email_level={level}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and 'id="email-preview"' in fragment.get_data(
        as_text=True
    )


def test_choosing_a_level_in_the_preferences(db, login_as, email_level):
    from intranet.notifications.models import NotificationPreference

    client, member = login_as("member")
    data = {"frequency": "weekly", "weekday": "0", "locale": "fr", "all_regions": "y"}
    assert (
        client.post("/notifications/preferences", data={**data, "email_level": "discreet"}).status_code == 303
    )
    assert db.session.get(NotificationPreference, member.id).email_level == "discreet"
    # A form without the field (an older page) keeps the choice; "network" goes back to the default.
    assert client.post("/notifications/preferences", data=data).status_code == 303
    assert db.session.get(NotificationPreference, member.id).email_level == "discreet"
    assert (
        client.post("/notifications/preferences", data={**data, "email_level": "network"}).status_code == 303
    )
    assert db.session.get(NotificationPreference, member.id).email_level is None
    bad = client.post("/notifications/preferences", data={**data, "email_level": "everything"})
    assert bad.status_code == 422
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'id="email-preview"' in page and 'hx-get="/notifications/apercu"' in page


def test_the_calendar_feed_follows_the_member_s_level(db, login_as, email_level, make_session, make_training):
    from intranet.trainings import services as trainings

    client, member = login_as("member")
    trainings.register(member, make_session(make_training(TITLE), room_details=FREE), member)
    email_level("discreet", member)
    db.session.flush()
    body = trainings.feed_ics(member).decode()
    assert "Canari" not in body and "LOCATION" not in body and "SUMMARY:Rendez-vous" in body
    email_level("full", member)
    body = re.sub(r"\r?\n[ \t]", "", trainings.feed_ics(member).decode())
    assert "Canaritre" in body and "Canarilibre" in body
