"""An outbox message as the bytes that go on the wire, without the email package's object model.

``services.build_message`` builds an ``EmailMessage`` and the transport flattens it: some 18
header objects parsed and folded, the parts encoded, the tree walked. That was a third of the
CPU a digest costs a worker, although most of it is the same for every message of a batch (the
sender, the subjects, the part headers). ``wire_message`` writes the same bytes directly:

* every header is folded by the same policy, through the same header classes, as the email
  package folds it (``_Folder``), and remembered, so the sender, a subject or a part header is
  parsed once per worker rather than once per message; To and Message-ID, new with each
  message, are folded from their shape (``_Folder.unique``);
* the bodies are encoded by the same quoted-printable encoder (``quoprimime.body_encode``) with
  the same line handling as ``contentmanager.set_text_content`` and the generator;
* the multipart boundary has the generator's form (fixed width: its header folds the same
  whatever the digits), and is checked against the parts as the generator checks it.

The result is byte for byte what ``smtplib.SMTP.send_message(build_message(row))`` sends (and
what ``bytes(build_message(row))`` writes, with ``linesep="\\n"``), given the same date and
boundary: ``tests/notifications/test_wire.py`` compares them. Messages with attachments, or with
an address that is not ASCII (SMTPUTF8), or a custom header that the standard ones would refuse,
take the general path (``None`` here).
"""

from __future__ import annotations

import random
import re
import string
import sys
from dataclasses import dataclass
from email import quoprimime
from email.utils import formatdate, getaddresses

# The generator's boundary: 15 "=", a zero-padded random number, "==" (email.generator._fmt).
_WIDTH = len(repr(sys.maxsize - 1))
_BOUNDARY_FORMAT = "=" * 15 + "%0" + str(_WIDTH) + "d" + "=="
_ZERO_BOUNDARY = _BOUNDARY_FORMAT % 0
_STANDARD = frozenset(
    {"from", "to", "subject", "date", "message-id", "auto-submitted", "mime-version", "content-type",
     "content-transfer-encoding", "cc", "bcc", "sender", "resent-date", "resent-from", "resent-sender",
     "resent-to", "resent-cc", "resent-bcc", "resent-message-id"}
)  # fmt: skip
_NEWLINES = re.compile(r"\r\n|\r|\n")  # email.generator.NLCRE
_FROM_LINE = re.compile(r"^From ", re.MULTILINE)  # email.generator.fcre
_CACHE_LIMIT = 4096
_REPEATED = frozenset({"List-Unsubscribe-Post"})
_SHAPES = str.maketrans(
    string.ascii_lowercase + string.ascii_uppercase + string.digits,
    "a" * 26 + "A" * 26 + "0" * 10,
)


@dataclass(frozen=True)
class WireMessage:
    """What ``smtplib.SMTP.sendmail`` takes: the envelope and the flattened message."""

    sender: str
    recipients: list[str]
    data: bytes

    def __bytes__(self) -> bytes:
        return self.data


class _Folder:
    """Headers folded by one policy (``services.EMAIL_POLICY`` with a line separator), remembered."""

    def __init__(self, policy, linesep: str) -> None:
        self.policy = policy.clone(linesep=linesep)
        self.linesep = linesep
        self.folded: dict[tuple[str, str], str] = {}
        self.senders: dict[str, str] = {}
        self.shapes: dict[tuple[str, str], tuple[str, str]] = {}

    def header(self, name: str, value: str) -> tuple[str, object]:
        """The header as the message stores it (``policy.header_store_parse``) and its folded text."""
        stored = self.policy.header_store_parse(name, value)[1]
        return stored.fold(policy=self.policy), stored

    def fold(self, name: str, value: str, *, remember: bool = True) -> str:
        key = (name, value)
        found = self.folded.get(key)
        if found is None:
            found = self.header(name, value)[0]
            if remember:
                if len(self.folded) >= _CACHE_LIMIT:
                    self.folded.clear()
                self.folded[key] = found
        return found

    def unique(self, name: str, value: str) -> tuple[str, str]:
        """A header whose value changes with each message (To, Message-ID): folded text and the
        stored header's text, from the fold of its *shape* (letters and digits replaced by one
        letter or digit) when the value comes out verbatim. Folding reads lengths and kinds of
        characters, never which letter or digit: the shape folds as the value does, and the
        shapes repeat (addresses and message ids of the same lengths) where the values do not.
        Anything else (not ASCII, an encoded word, a value folded apart) is folded itself."""
        if value.isascii() and "=?" not in value:
            shape = value.translate(_SHAPES)
            key = (name, shape)
            entry = self.shapes.get(key)
            if entry is None:
                folded, stored = self.header(name, shape)
                if len(self.shapes) >= _CACHE_LIMIT:
                    self.shapes.clear()
                entry = self.shapes[key] = (folded, str(stored))
            folded, text = entry
            head, rest = folded[: len(name) + 1], folded[len(name) + 1 :]
            if head == name + ":" and text == shape and rest.count(shape) == 1:
                return head + rest.replace(shape, value), value
        folded, stored = self.header(name, value)
        return folded, str(stored)

    def envelope_sender(self, from_header: str) -> str:
        """``send_message``'s envelope sender: the address of the From header, as parsed."""
        found = self.senders.get(from_header)
        if found is None:
            stored = self.header("From", from_header)[1]
            found = self.senders[from_header] = getaddresses([str(stored)])[0][1]
        return found

    def boundary_header(self, boundary: str) -> str:
        """The multipart Content-Type with ``boundary``: the generator's boundaries all have the
        same width and only digits change, so the folded header is the same but for the digits."""
        value = 'multipart/alternative; boundary="%s"'
        if len(boundary) != len(_ZERO_BOUNDARY) or not boundary.startswith("=" * 15):
            return self.fold("Content-Type", value % boundary, remember=False)
        template = self.fold("Content-Type", value % _ZERO_BOUNDARY)
        return template.replace(_ZERO_BOUNDARY, boundary, 1)


_folders: dict[tuple[int, str], _Folder] = {}


def _folder(policy, linesep: str) -> _Folder:
    key = (id(policy), linesep)
    folder = _folders.get(key)
    if folder is None or folder.policy.header_factory is not policy.header_factory:
        folder = _folders[key] = _Folder(policy, linesep)
    return folder


def _quoted_printable(text: str, linesep: str, max_line_length: int, mangle_from: bool) -> str:
    """``set_content(text, cte="quoted-printable")``, then what the generator does to a payload:
    "From " at the start of a line becomes ">From " when it mangles (``send_message`` does,
    ``bytes(msg)`` does not), and each line ends with ``linesep`` (``_write_lines``)."""
    lines = text.encode("utf-8").splitlines()
    payload = quoprimime.body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), max_line_length)
    if mangle_from:
        payload = _FROM_LINE.sub(">From ", payload)
    return _NEWLINES.sub(linesep, payload)


def _boundary(parts: list[str], linesep: str) -> str:
    """``email.generator.Generator._make_boundary``: random, and absent from the parts."""
    boundary = _BOUNDARY_FORMAT % random.randrange(sys.maxsize)
    candidate, counter = boundary, 0
    joined = linesep.join(parts)
    # The generator compiles a pattern for each boundary; a line holding one holds it as a
    # substring, so the (rare) pattern search only runs when the plain search finds it.
    while "--" + candidate in joined and re.search(
        "^--" + re.escape(candidate) + "(--)?$", joined, flags=re.MULTILINE
    ):
        candidate = f"{boundary}.{counter}"
        counter += 1
    return candidate


def wire_message(
    row,
    *,
    from_header: str,
    policy,
    linesep: str = "\r\n",
    mangle_from: bool = True,
    date: str | None = None,
    boundary: str | None = None,
) -> WireMessage | None:
    """The bytes ``send_message(build_message(row))`` sends (CRLF, "From " lines mangled as its
    generator does), or with ``linesep="\\n", mangle_from=False`` those of ``bytes(msg)``; None
    when the row needs the general path. ``from_header`` is the From header
    (``services.sender_header``), ``policy`` the message's; ``date`` and ``boundary`` are for tests."""
    if row.attachments:
        return None
    headers = dict(row.headers or {})
    if any(name.lower() in _STANDARD for name in headers):
        return None
    if not (row.to_address.isascii() and from_header.isascii()):
        return None
    folder = _folder(policy, linesep)
    to_folded, to_text = folder.unique("To", row.to_address)
    recipients = [address for _name, address in getaddresses([to_text])]
    sender = folder.envelope_sender(from_header)
    if not "".join([sender, *recipients]).isascii():
        return None
    out = [
        folder.fold("From", from_header),
        to_folded,
        folder.fold("Subject", row.subject),
        folder.fold("Date", date or formatdate(localtime=False)),
        folder.unique("Message-ID", row.message_id)[0],
        folder.fold("Auto-Submitted", "auto-generated"),
    ]
    # The feature's own headers: only List-Unsubscribe-Post repeats (an unsubscribe link or a
    # Reply-To address holds a token of its own), so only it is remembered.
    out += [folder.fold(name, value, remember=name in _REPEATED) for name, value in headers.items()]
    width = folder.policy.max_line_length
    text = _quoted_printable(row.body_text, linesep, width, mangle_from)
    plain = folder.fold("Content-Type", 'text/plain; charset="utf-8"')
    qp = folder.fold("Content-Transfer-Encoding", "quoted-printable")
    mime = folder.fold("MIME-Version", "1.0")
    if not row.body_html:
        out += [plain, qp, mime, linesep, text]
    else:
        html = _quoted_printable(row.body_html, linesep, width, mangle_from)
        parts = [
            plain + qp + linesep + text,
            folder.fold("Content-Type", 'text/html; charset="utf-8"') + qp + mime + linesep + html,
        ]
        boundary = boundary or _boundary(parts, linesep)
        out += [mime, folder.boundary_header(boundary), linesep, "--", boundary, linesep, parts[0]]
        out += [linesep, "--", boundary, linesep, parts[1], linesep, "--", boundary, "--", linesep]
    try:
        data = "".join(out).encode("ascii")
    except UnicodeEncodeError:  # a header the policy leaves in UTF-8: the general path decides
        return None
    return WireMessage(sender, recipients, data)
