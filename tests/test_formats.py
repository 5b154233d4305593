"""Numbers, plurals, dates and times in the reader's language (Babel), on every page people read."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from html.parser import HTMLParser

import pytest
from flask import render_template_string
from flask_babel import force_locale, ngettext

from intranet.i18n import clock, day, number
from tests.conftest import sign_in
from tests.crawl import crawl
from tests.factories.demo import DEMO_ROLES

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")


def test_numbers_in_both_languages(app):
    with app.test_request_context():
        with force_locale("fr"):
            assert number(4.25, 1) == "4,2" and number(4.3, 1) == "4,3"
            assert number(6.0, 1) == "6" and number(1234) == "1\u202f234"
        with force_locale("en"):
            assert number(4.3, 1) == "4.3" and number(6.0, 1) == "6" and number(1234) == "1,234"


def test_plurals_follow_each_language(app):
    """French is the source: 0 and 1 are singular there even where no catalogue speaks."""
    template = '{{ ngettext("%(num)s pratique", "%(num)s pratiques", n) }}'
    with app.test_request_context():
        with force_locale("fr"):
            assert ngettext("%(num)s pratique", "%(num)s pratiques", 0) == "0 pratique"
            assert ngettext("%(num)s pratique", "%(num)s pratiques", 2) == "2 pratiques"
            assert render_template_string(template, n=0) == "0 pratique"
            assert render_template_string(template, n=1500) == "1\u202f500 pratiques"
        with force_locale("en"):
            assert ngettext("%(num)s pratique", "%(num)s pratiques", 0) == "0 practices"
            assert ngettext("%(num)s pratique", "%(num)s pratiques", 1) == "1 practice"
            assert render_template_string(template, n=1500) == "1,500 practices"


def test_dates_and_times_in_both_languages(app):
    moment = datetime(2026, 12, 20, 14, 0, 30, tzinfo=UTC)  # 9:00 in Montréal
    with app.test_request_context():
        with force_locale("fr"):
            assert day(date(2026, 12, 20)) == "20 décembre 2026"
            assert clock(time(9, 0)) == "09:00" and clock(moment) == "09:00"
            assert render_template_string("{{ d|date('long') }}", d=date(2026, 12, 20)) == "20 décembre 2026"
            assert render_template_string("{{ t|time }}", t=time(9, 0, 0)) == "09:00"
        with force_locale("en"):
            assert day(date(2026, 12, 20)) == "December 20, 2026"
            assert clock(time(9, 0)) == "9:00\u202fAM"


class _Text(HTMLParser):
    """The text a person reads: no attributes, scripts, styles, nor what they typed in fields."""

    SKIP = {"script", "style", "textarea", "code", "pre", "option"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def readable_text(body: bytes) -> str:
    parser = _Text()
    parser.feed(body.decode())
    return " ".join(parser.parts)


def format_faults(text: str, *, french: bool) -> list[str]:
    faults = [f"ISO date {m}" for m in ISO_DATE.findall(text)]
    faults += [f"time with seconds {m}" for m in SECONDS.findall(text)]
    if french:
        faults += [f"decimal point {m}" for m in DECIMAL_POINT.findall(text)]
    return faults


def test_the_checker_sees_what_people_read():
    body = (
        b"<p>Le 2026-12-20 \xc3\xa0 09:00:00, moyenne 4.3 sur 5</p><input "
        b'value="2026-01-01"><script>1.5</script>'
    )
    assert format_faults(readable_text(body), french=True) == [
        "ISO date 2026-12-20", "time with seconds 09:00:00", "decimal point 4.3",
    ]  # fmt: skip
    assert (
        format_faults(readable_text(b"<p>20 d\xc3\xa9cembre 2026, 09:00, 4,3 sur 5</p>"), french=True) == []
    )


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_every_page_writes_numbers_dates_and_times_for_its_reader(app, demo, role):
    emails, password = demo
    client = app.test_client()
    assert sign_in(client, emails[role], password).status_code == 303
    faults = []
    for page in crawl(client, limit=150, per_shape=2):
        if page.status == 200 and "text/html" in page.content_type:
            faults += [(page.url, f) for f in format_faults(readable_text(page.body), french=True)]
    assert not faults, faults


@pytest.mark.parametrize(
    "locale,hours,expected",
    [("fr", 6.0, "6 heures"), ("fr", 1.5, "1,5 heure"), ("en", 6.0, "6 hours"), ("en", 1.5, "1.5 hours")],
)
def test_a_certificate_writes_its_hours_and_times_for_its_reader(app, locale, hours, expected):
    """The certificate is rendered by a worker in the attendee's language (jobs/trainings.py)."""
    from flask import render_template

    starts = datetime(2026, 12, 20, 14, 0, tzinfo=UTC)
    context = {
        "person_name": "Gabrielle Essai", "organization_name": "Maison Aube",
        "training_title": "Plan de sécurité", "trainer": None,
        "starts_at": starts, "ends_at": starts.replace(hour=20), "hours": hours,
        "is_online": True, "place": "", "network_name": "Réseau", "issued_on": starts,
    }  # fmt: skip
    with app.test_request_context(), force_locale(locale):
        text = readable_text(render_template("trainings/certificate.html", **context).encode())
    assert expected in text
    assert ("09:00–15:00" if locale == "fr" else "9:00\u202fAM–3:00\u202fPM") in text
    assert not format_faults(text, french=locale == "fr")


def test_digest_dates_have_no_seconds(app):
    from intranet.notifications.digests.presenting import _formatted

    moment = datetime(2026, 12, 20, 14, 0, 0, tzinfo=UTC)
    with app.test_request_context():
        for locale in ("fr", "en"):
            with force_locale(locale):
                text = _formatted(moment, locale, "datetime")
            assert not SECONDS.search(text) and not ISO_DATE.search(text), text
            assert ("09:00" if locale == "fr" else "9:00") in text


@pytest.mark.parametrize("role", ["admin", "member"])
def test_english_pages_show_no_iso_date_nor_seconds(app, db, demo, role):
    import sqlalchemy as sa

    from intranet.accounts.models import User

    emails, password = demo
    db.session.execute(sa.update(User).where(User.email == emails[role]).values(locale="en"))
    db.session.flush()
    client = app.test_client()
    assert sign_in(client, emails[role], password).status_code == 303
    pages = [
        p for p in crawl(client, limit=120, per_shape=1) if p.status == 200 and "text/html" in p.content_type
    ]
    assert any(b'lang="en"' in p.body for p in pages)
    faults = [(p.url, f) for p in pages for f in format_faults(readable_text(p.body), french=False)]
    assert not faults, faults
