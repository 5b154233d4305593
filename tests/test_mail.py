"""The outbox's message building and the embedded default's file transport."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from intranet.mail.models import MailStatus
from intranet.mail.services import build_message, deliver_due, queue_email


def test_text_attachments_are_declared_utf8(app, db):
    row = queue_email(
        to="a@essai.example",
        kind="password_reset",
        template="password_reset",
        link="http://passerelle.test/x",
        user_name="Émilie",
        attachments=[("seance.ics", "text/calendar", "SUMMARY:Séance à Québec\r\n".encode())],
    )
    parsed = email.message_from_bytes(bytes(build_message(row)), policy=email.policy.default)
    [part] = list(parsed.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_content_charset() == "utf-8"
    assert "Séance à Québec" in part.get_content()


def test_english_recipients_get_english_email(app, db):
    row = queue_email(
        to="b@essai.example",
        kind="password_reset",
        template="password_reset",
        locale="en",
        link="http://passerelle.test/x",
        user_name="Ann",
    )
    assert row.subject == "Your password"
    assert "To choose a new password" in row.body_text


def test_file_backend_writes_eml_files_a_newcomer_can_read(app, db, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    row = queue_email(
        to="c@essai.example",
        kind="password_reset",
        template="password_reset",
        link="http://passerelle.test/y",
        user_name="Chloé",
    )
    db.session.commit()
    assert deliver_due(ids=[row.id])["sent"] == 1
    [eml] = list((Path(tmp_path) / "outbox").glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert (
        message["To"] == "c@essai.example"
        and "http://passerelle.test/y" in message.get_body(("plain",)).get_content()
    )
    db.session.refresh(row)
    assert row.status == MailStatus.SENT


def test_email_templates_read_the_same_with_the_catalogue_looked_up_once(app):
    """``render_email`` hands the templates a ``gettext`` bound to the email's catalogue: every
    email template, in both languages, reads exactly as with Flask-Babel's own lookup per call."""
    from flask import render_template
    from flask_babel import force_locale, get_translations

    from intranet.mail.services import _gettext

    folder = Path(app.root_path).parent / "templates" / "email"
    names = sorted(
        p.name for p in folder.iterdir() if p.suffix in (".txt", ".html") and not p.name.startswith("_")
    )
    assert "notifications_digest.html" in names and "discreet.txt" in names
    from intranet.notifications.digests import ShownItem, ShownSection

    item = ShownItem("Un titre", "https://p.example/x", label="Avis", summary="Résumé", meta="1 déc.")
    section = ShownSection(
        "notifications", "Pour vous", [item], more=2, more_url="https://p.example/n", hidden=1
    )
    context = {
        "count": 3, "events": 2, "user_name": "Chloé", "home_url": "https://p.example/",
        "sections": [section], "preferences_url": "https://p.example/p",
        "unsubscribe_url": "https://p.example/u", "intro": "Intro",
        "since": "1 décembre 2026", "level": "full", "sender_name": "Passerelle", "link": "https://p.example/l",
    }  # fmt: skip
    with app.app_context():
        for locale in ("fr", "en"):
            with force_locale(locale):
                bound = _gettext(get_translations())
                rendered = set()
                for name in names:
                    try:
                        plain = render_template(f"email/{name}", locale=locale, **context)
                    except Exception:  # a template that needs context of its own: its tests cover it
                        continue
                    assert (
                        render_template(f"email/{name}", locale=locale, gettext=bound, **context) == plain
                    ), name
                    rendered.add(name)
                assert {"notifications_digest.html", "notifications_digest.txt", "discreet.html"} <= rendered
                assert len(rendered) >= len(names) // 2, sorted(set(names) - rendered)


def test_a_sent_mark_is_one_statement_that_does_not_wait_for_the_disk_on_postgresql(
    app, db, monkeypatch, tmp_path
):
    """Each message sent is marked by one UPDATE, in its own commit; on PostgreSQL that UPDATE says
    ``SET LOCAL synchronous_commit TO OFF`` itself (``set_config``), not in a round trip of its own."""
    import sqlalchemy as sa

    from intranet.database import is_sqlite

    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    rows = [
        queue_email(
            to=f"m{i}@essai.example", kind="password_reset", template="password_reset", link="http://p.test/y"
        )
        for i in range(3)
    ]
    db.session.commit()
    seen = []
    listener = lambda conn, cursor, statement, *args: seen.append(" ".join(statement.split()))  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert deliver_due(ids=[row.id for row in rows])["sent"] == 3
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    marks = [s for s in seen if s.startswith("UPDATE outbox_message SET status") and "sent_at" in s]
    assert len(marks) == 3
    assert not any(s.upper().startswith("SET LOCAL") for s in seen)
    assert all(("set_config" in s) != is_sqlite() for s in marks)
