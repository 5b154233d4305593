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
