"""Calm notifications on an advocacy text (issue 17): each person concerned hears once.

A burst of steps on one text gives each person concerned one email, received by the loopback SMTP
server; a step retires the notification of the step before ("Brouillon à réviser" is gone once the
text is under review or published); comments on a text count in one notification; opening the
text (or one of its versions) reads them.
"""

from __future__ import annotations

import sqlalchemy as sa

from intranet.advocacy import services
from intranet.mail.models import MailStatus, OutboxMessage
from intranet.notifications.models import Notification


def _notifications(db, user):
    return db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def test_a_burst_of_steps_gives_each_person_concerned_one_email_over_smtp(
    app, db, make_org, make_user, make_position, smtp, run_jobs, pass_email_windows
):
    org = make_org()
    author = make_user("member", org=org)
    coordinator = make_user("coordinator", org=org)
    colleague = make_user("member", org=org)  # works at the same organization, not on this text
    staff = make_user("staff")
    position = make_position(author, status="submitted", staff=staff)
    db.session.commit()
    smtp.clear()
    run_jobs()
    pass_email_windows()  # the staff hear of the submission
    smtp.clear()

    # Within a minute: the review starts, the text is approved and published.
    for action in ("start_review", "approve", "publish"):
        services.transition(staff, position, action)
        db.session.commit()
    run_jobs()
    assert [m for m in smtp.messages if m["To"] == author.email] == []  # held for the burst
    held = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.kind == "advocacy_transition", OutboxMessage.status == MailStatus.PENDING
        )
    ).all()
    assert sorted(m.to_address for m in held) == sorted([author.email, coordinator.email])
    assert pass_email_windows() == 2
    smtp.wait_for(2)
    by_person = {}
    for message in smtp.messages:
        by_person.setdefault(message["To"], []).append(message)
    # The author once (three steps), the coordinator once (the text went out under the
    # organization's name), the colleague never.
    assert sorted(by_person) == sorted([author.email, coordinator.email])
    assert all(len(messages) == 1 for messages in by_person.values())
    [mail] = by_person[author.email]
    text = mail.get_body(("plain",)).get_content()
    assert "est publié" in text and "3 fois" in text  # the latest state, and that it moved thrice
    assert mail["Subject"] == "Un texte a changé d’étape"
    assert colleague.email not in by_person


def test_one_email_per_person_per_event_and_one_per_object(app, db, make_user):
    from intranet.mail.services import queue_email

    user = make_user("member")

    def step(position_id: int, dedupe_key: str | None = None):
        return queue_email(
            to=user.email,
            kind="advocacy_transition",
            template="advocacy_transition",
            user_id=user.id,
            dedupe_key=dedupe_key,
            coalesce=f"advocacy_position:{position_id}",
            title="Un texte",
            action="approve",
            link="http://passerelle.test/",
        )

    first = step(1, "advocacy-transition-1-x")
    assert step(1, "advocacy-transition-1-x") is None  # the same event again: nothing more
    other = step(2)
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)
    ).all()
    # Another object: a row of its own, not merged into the first.
    assert rows == [first, other] and [r.coalesced for r in rows] == [1, 1]
    assert step(1) is first and first.coalesced == 2  # another event on the first object: merged


def test_a_step_retires_the_notification_of_the_step_before(app, db, make_org, make_user, make_position):
    admin = make_user("admin")
    staff = make_user("staff")
    author = make_user("member", org=make_org())
    position = make_position(author, status="changes_requested", staff=staff)
    services.transition(author, position, "resubmit")
    db.session.flush()
    # The reviewer is told the text is back; the administrator (who never reviewed it) is not.
    assert [n.kind for n in _notifications(db, staff)] == ["advocacy_resubmit"]
    assert _notifications(db, admin) == []  # its "Brouillon à réviser" went when the review began
    # The author's "Modifications demandées" went when the text was sent back.
    assert _notifications(db, author) == []
    services.transition(staff, position, "start_review")
    services.transition(staff, position, "approve")
    services.transition(staff, position, "publish")
    db.session.flush()
    # Published: nobody still has "Brouillon à réviser" for it, and the author has one
    # notification for the text, the latest step.
    stale = db.session.scalars(
        sa.select(Notification).where(Notification.kind.in_(["advocacy_submit", "advocacy_resubmit"]))
    ).all()
    assert stale == []
    assert [n.kind for n in _notifications(db, author)] == ["advocacy_publish"]


def test_the_admin_s_review_queue_notification_goes_once_the_review_starts(
    app, db, make_org, make_user, make_position, login_as
):
    admin_client, admin = login_as("admin")
    staff = make_user("staff")
    position = make_position(make_user("member", org=make_org()), status="submitted")
    db.session.commit()
    assert [n.kind for n in _notifications(db, admin)] == ["advocacy_submit"]
    page = admin_client.get("/notifications").get_data(as_text=True)
    assert page.count("Brouillon à réviser") == 1
    services.transition(staff, position, "start_review")
    db.session.commit()
    assert _notifications(db, admin) == []
    assert "Brouillon à réviser" not in admin_client.get("/notifications").get_data(as_text=True)


def test_comments_count_in_one_notification_read_when_the_text_is_opened(
    app, db, make_org, make_user, make_position, login_as
):
    org = make_org()
    author_client, author = login_as("member", org=org)
    staff = make_user("staff")
    position = make_position(author, status="in_review", staff=staff)
    version = position.latest_version
    for body in ("Précisez la région.", "Ajoutez une source.", "Bien dans l’ensemble."):
        services.add_comment(staff, version, body)
    db.session.commit()
    [comments] = [n for n in _notifications(db, author) if n.kind == "advocacy_comment"]
    assert comments.count == 3 and comments.read_at is None
    page = author_client.get("/notifications").get_data(as_text=True)
    assert "3 commentaires sur un texte de plaidoyer" in page
    # Opening the version the notification links to, or the text itself, reads it.
    assert author_client.get(f"/plaidoyer/{position.id}").status_code == 200
    db.session.expire_all()
    assert all(n.read_at is not None for n in _notifications(db, author))
    # A new comment after reading starts a new count.
    services.add_comment(staff, version, "Une dernière chose.")
    db.session.commit()
    db.session.expire_all()
    [comments] = [n for n in _notifications(db, author) if n.kind == "advocacy_comment"]
    assert comments.count == 1 and comments.read_at is None
    assert author_client.get(f"/plaidoyer/{position.id}/versions/{version.number}").status_code == 200
    db.session.expire_all()
    assert db.session.get(Notification, comments.id).read_at is not None


def test_the_count_is_said_in_english_too(app, db, make_org, make_user, make_position, login_as):
    org = make_org()
    client, author = login_as("member", org=org, locale="en")
    staff = make_user("staff")
    position = make_position(author, status="in_review", staff=staff)
    for body in ("Un.", "Deux."):
        services.add_comment(staff, position.latest_version, body)
    db.session.commit()
    client.post("/langue", data={"lang": "en"})
    assert "2 comments on an advocacy text" in client.get("/notifications").get_data(as_text=True)
