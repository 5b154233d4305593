"""An outbox message written straight to bytes (``intranet.mail.wire``) is byte for byte what the
email package's message gives: what ``smtplib`` sends, and what the file transport writes."""

from __future__ import annotations

import random
import smtplib
from email.utils import make_msgid
from types import SimpleNamespace

import pytest

from intranet.mail import services
from intranet.mail.wire import _BOUNDARY_FORMAT, wire_message

DATE = "Mon, 23 Nov 2026 17:00:00 -0000"

SUBJECTS = [
    "Votre résumé de la semaine : 3 nouveautés",
    "Your weekly digest: 24 new items",
    "S",
    "Du nouveau pour vous : 1 élément " * 4,
    "A subject long enough to be folded by the policy at seventy-eight characters, ASCII only here",
    "Émoji 📅 et guillemets « français » : =?utf-8?q?pas un mot encodé?=",
    "  espaces   en trop  ",
]
SENDERS = [None, "Passerelle", "Réseau d’entraide", "Dupont, Jeanne", 'Le "réseau"', "R" * 90]
ADDRESSES = [
    "membre1@banc.example",
    "prenom.nom+resumes@organisme.example",
    "a" * 70 + "@x.example",
    "o'brien@exemple.example",
]
UNSUBSCRIBE = [
    "<https://passerelle.example/desabonnement/eyJ1IjoiMzhkZTNhNTVmODYzOGEyMDg0YzA1NDc0YmYwMzQ3ZmEiLCJwIjoiZGlnZXN0In0.1oacydD4KU5clsDpjoKrNMUJrww>",
    "<https://p.example/u/abc>",
]
REPLY_TO = [
    "Table de concertation <reponse+eyJ0IjoxMiwicCI6MzR9.Zx_4b@passerelle.example>",
    "reponse+abc@passerelle.example",
    "Réseau d’entraide <reponse+" + "x" * 80 + "@passerelle.example>",
]
LINES = [
    "Bonjour Membre 1,",
    "",
    "Voici ce qui est nouveau pour vous depuis le 16 novembre 2026.",
    "== Nouvelles bonnes pratiques ==",
    "- Plan de sécurité co-construit à l’arrivée, variante 12",
    "  https://passerelle.example/pratiques/8f3a?x=1&y=2",
    ". une ligne qui commence par un point",
    "From the start of a line",
    "trailing spaces   ",
    "tab\tinside and at the end\t",
    "égal = et =3D et ==",
    "x" * 200,
    "é" * 60,
    '<p style="font-size:13px;color:#555555">Courriel automatique : merci de ne pas y répondre.</p>',
    "--===============0000000000000000000==",
]


def _rows(count: int):
    rng = random.Random(20261207)
    for i in range(count):
        lines = [rng.choice(LINES) for _ in range(rng.randrange(0, 30))]
        ending = rng.choice(["\n", "\r\n", "", "\r"])
        text = ending.join(lines) + rng.choice(["", "\n", "\n\n"])
        headers = {}
        if rng.random() < 0.7:
            headers = {
                "List-Unsubscribe": rng.choice(UNSUBSCRIBE),
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        elif rng.random() < 0.5:  # a space's post: replies come back to an address with a token
            headers = {"Reply-To": rng.choice(REPLY_TO)}
        yield SimpleNamespace(
            sender_name=rng.choice(SENDERS),
            to_address=rng.choice(ADDRESSES),
            subject=rng.choice(SUBJECTS),
            message_id=make_msgid(idstring=f"{i:012x}", domain="passerelle.example"),
            headers=headers,
            body_text=text,
            body_html=None if rng.random() < 0.3 else "<html>\n" + "\n".join(lines) + "\n</html>",
            attachments=[],
        )


class _Capture(smtplib.SMTP):
    """What ``send_message`` hands to ``sendmail``, without a server."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = []

    def ehlo_or_helo_if_needed(self) -> None:
        pass

    def sendmail(self, from_addr, to_addrs, msg, mail_options=(), rcpt_options=()):
        self.sent.append((from_addr, list(to_addrs), msg, tuple(mail_options)))
        return {}


def _reference(row, monkeypatch, boundary: str):
    monkeypatch.setattr(services.building, "formatdate", lambda localtime=False: DATE)
    msg = services.build_message(row)
    if msg.is_multipart():
        msg.set_boundary(boundary)
    return msg


def _wire(row, linesep: str, boundary: str):
    return wire_message(
        row,
        from_header=services.sender_header(row.sender_name),
        policy=services.EMAIL_POLICY,
        linesep=linesep,
        mangle_from=linesep == "\r\n",  # smtplib's generator mangles "From " lines, bytes(msg) does not
        date=DATE,
        boundary=boundary,
    )


def test_the_bytes_on_the_wire_are_those_smtplib_sends(app, monkeypatch):
    boundaries = random.Random(1)
    for row in _rows(300):
        boundary = _BOUNDARY_FORMAT % boundaries.randrange(2**63 - 1)
        smtp = _Capture()
        smtp.send_message(_reference(row, monkeypatch, boundary))
        [(sender, recipients, data, options)] = smtp.sent
        wire = _wire(row, "\r\n", boundary)
        assert options == ()
        assert (wire.sender, wire.recipients) == (sender, recipients)
        assert wire.data == data, row


def test_the_file_transport_writes_the_same_bytes(app, monkeypatch):
    for row in _rows(60):
        boundary = _BOUNDARY_FORMAT % 42
        assert _wire(row, "\n", boundary).data == bytes(_reference(row, monkeypatch, boundary))


def test_the_boundary_has_the_generators_form_and_misses_the_parts(app):
    row = next(_rows(1))
    row.body_html = "<p>é</p>"
    data = _wire(row, "\r\n", None).data.decode()
    boundary = data.split('boundary="', 1)[1].split('"', 1)[0]
    assert len(boundary) == len(_BOUNDARY_FORMAT % 0) and boundary.startswith("=" * 15)
    assert data.count("--" + boundary) == 3


@pytest.mark.parametrize(
    "change",
    [
        {"attachments": [{"filename": "a.ics", "content_type": "text/calendar", "data": ""}]},
        {"to_address": "josée@exemple.example"},
        {"headers": {"Date": "hier"}},
    ],
)
def test_what_the_fast_path_leaves_to_the_email_package(app, change):
    row = next(_rows(1))
    for key, value in change.items():
        setattr(row, key, value)
    assert _wire(row, "\r\n", None) is None


def test_addresses_and_message_ids_fold_as_the_email_package_folds_them(app):
    """To and Message-ID are folded from their shape (``_Folder.unique``): at every length around
    the line limit, and for the characters addresses and message ids hold, the result is the
    email package's."""
    from intranet.mail.wire import _folder

    folder = _folder(services.EMAIL_POLICY, "\r\n")
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    values = []
    for length in range(3, 130):
        local = "".join(rng.choice(alphabet + "._+-'") for _ in range(max(1, length // 2))).strip(".")
        domain = "".join(rng.choice(alphabet) for _ in range(max(1, length - len(local) - 9))) + ".example"
        values.append(("To", f"{local or 'x'}@{domain}"))
        values.append(("To", f"x{'.' * (length % 3)}y@{domain}"))
        values.append(
            ("Message-ID", f"<{rng.randrange(10**length)}.{length}.{rng.randrange(10**19)}.ab12@{domain}>")
        )
    values += [
        ("To", "Jeanne <j@x.example>"),
        ("To", "a@b"),
        ("To", '"quoted"@x.example'),
        ("Message-ID", "<a@b>"),
    ]
    for name, value in values:
        folded, stored = folder.header(name, value)
        assert folder.unique(name, value) == (folded, str(stored)), (name, value)
