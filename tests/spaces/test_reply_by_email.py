"""Reply by email: the email about a post carries a signed reply address (never at the discreet
level); a reply becomes a post when its token, its sender, the person's rights and the guard allow
it; otherwise nothing is posted and the person is told by email (a forged token: refused at once)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
import sqlalchemy as sa

from intranet.accounts.models import Sector
from intranet.mail.inbound import controller, reply_text
from intranet.mail.models import OutboxMessage
from intranet.spaces import replies, services
from intranet.spaces.models import Post, SpaceVisibility
from tests.support import free_port


@pytest.fixture
def discussion(db, make_org, make_user):
    staff = make_user("staff")
    shelter = make_org(name="Maison Courriel", sector=Sector.SHELTER)
    bridge = make_org(name="Pont Courriel", sector=Sector.IMMIGRATION)
    space = services.create_space(
        staff,
        name="Espace courriel",
        description="",
        visibility=SpaceVisibility.MEMBERS.value,
        immigration_seats=1,
    )
    services.seat(staff, space, shelter)
    services.seat(staff, space, bridge)
    author = make_user("member", org=shelter, name="Rose Courriel", email="rose@essai.example")
    other = make_user("member", org=bridge, name="Amina Courriel", email="amina@essai.example")
    thread = services.start_thread(author, space, title="Sujet courriel", body="Premier message.")
    db.session.flush()
    return thread, author, other


def _reply(to: str, sender: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Quelqu’un <{sender}>"
    message["To"] = to
    message["Subject"] = "Re: Du nouveau dans une discussion"
    message.set_content(text)
    return message


def _posts(db, thread) -> list[str]:
    return list(
        db.session.scalars(sa.select(Post.body).where(Post.thread_id == thread.id).order_by(Post.number))
    )


def _emails(db, kind, person):
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == kind, OutboxMessage.to_address == person.email)
    ).all()
    return rows


def _token_of(row) -> str:
    address = row.headers["Reply-To"]
    return address.split("+", 1)[1].split("@", 1)[0]


def test_a_post_emails_followers_with_a_reply_address(db, discussion):
    thread, author, other = discussion
    services.reply(other, thread, "Une réponse.")
    (row,) = _emails(db, "space_post", author)
    assert row.headers["Reply-To"].startswith("reponse+") and row.headers["Reply-To"].endswith(
        "@reponses.passerelle.example"
    )
    assert replies.read_token(_token_of(row))[:2] == (author.id, thread.id)
    # A second post within minutes: the same email, not a new one.
    services.reply(other, thread, "Encore une.")
    assert len(_emails(db, "space_post", author)) == 1


def test_no_reply_address_at_the_discreet_level(db, discussion, email_level):
    thread, author, other = discussion
    email_level("discreet")
    services.reply(other, thread, "Une réponse.")
    (row,) = _emails(db, "space_post", author)
    assert "Reply-To" not in row.headers and "Premier" not in row.body_text


def test_a_good_reply_becomes_a_post_without_the_quote_or_signature(db, discussion):
    thread, author, other = discussion
    token = replies.make_token(other.id, thread.id)
    text = "Merci, je prends note.\n\nLe 6 déc. 2026, Passerelle a écrit :\n> Premier message.\n\n-- \nAmina"
    result = replies.handle_reply(token, _reply("x", "AMINA@essai.example", text))
    assert result.accepted
    assert _posts(db, thread)[-1] == "Merci, je prends note."


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("sender", "sender"),
        ("expired", "expired"),
        ("guard", "guard"),
        ("empty", "empty"),
        ("outsider", "not_allowed"),
    ],
)
def test_refused_replies_post_nothing_and_say_why(db, discussion, make_user, make_org, case, reason):
    thread, author, other = discussion
    person, sender, text = other, other.email, "Une réponse correcte."
    token = replies.make_token(other.id, thread.id)
    if case == "sender":
        sender = "inconnue@ailleurs.example"
    elif case == "expired":
        token = replies.make_token(other.id, thread.id, day=replies._day() - 31)
    elif case == "guard":
        text = "Elle habite au 245, rue des Érables, son cell : 581-555-0133."
    elif case == "empty":
        text = "> Premier message."
    elif case == "outsider":
        person = make_user("member", org=make_org(name="Dehors Courriel"), email="dehors@essai.example")
        sender, token = person.email, replies.make_token(person.id, thread.id)
    before = _posts(db, thread)
    result = replies.handle_reply(token, _reply("x", sender, text))
    assert not result.accepted and result.reason == reason and not result.reject
    assert _posts(db, thread) == before
    (notice,) = _emails(db, "space_reply_refused", person)
    assert "n’a pas été publiée" in notice.body_text and "581-555" not in notice.body_text


def test_a_forged_token_is_refused_to_the_sending_server(db, discussion):
    thread, author, other = discussion
    token = replies.make_token(other.id, thread.id)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    result = replies.handle_reply(forged, _reply("x", other.email, "Bonjour"))
    assert result.reject and not _emails(db, "space_reply_refused", other)
    other_thread = replies.make_token(other.id, thread.id + 1).split(".")
    assert replies.read_token(".".join([*other_thread[:3], token.split(".")[3]])) is None


def test_html_only_reply_is_read_as_text():
    message = EmailMessage()
    message["From"] = "a@b.example"
    message.set_content("<p>Bonjour<br>à toutes</p><blockquote>cité</blockquote>", subtype="html")
    assert reply_text(message).startswith("Bonjour\nà toutes")


@pytest.mark.committed
def test_end_to_end_through_the_smtp_receiver(app, db, discussion):
    thread, author, other = discussion
    db.session.commit()
    token = replies.make_token(other.id, thread.id)
    server = controller(app, "127.0.0.1", free_port())
    server.start()
    try:
        with smtplib.SMTP(server.hostname, server.port, timeout=10) as smtp:
            address = f"reponse+{token}@reponses.passerelle.example"
            smtp.send_message(_reply(address, other.email, "Réponse venue par courriel."))
            forged = f"reponse+{token[:-2]}00@reponses.passerelle.example"
            with pytest.raises(smtplib.SMTPDataError, match="No such recipient"):
                smtp.send_message(_reply(forged, other.email, "Pas publiée."))
    finally:
        server.stop()
    db.session.rollback()  # end the read begun before the receiver wrote
    assert _posts(db, thread)[-1] == "Réponse venue par courriel."
    assert "Pas publiée." not in _posts(db, thread)
