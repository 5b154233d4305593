"""Plain-text emails keep their line breaks (issue 17): every kind of email, in both languages,
rendered for real through its scenario, has no line glued to the next ("Capitale-NationaleVos
formations") and keeps the blank line its template puts between paragraphs."""

from __future__ import annotations

import re

import pytest
from flask import render_template
from flask_babel import force_locale

from intranet.mail.privacy import Level
from intranet.mail.textlines import keep_text_lines
from tests.test_email_privacy import SCENARIOS, _outbox

# A word ending in lower case (or a sentence's end) run into a capitalized word: two lines glued.
GLUED = re.compile(r"[a-zà-ÿ0-9.:;!?»)][A-ZÀ-Ý](?:[a-zà-ÿ]{2,}|[’'][a-zà-ÿ])")
GREETING = re.compile(r"^(Bonjour|Hello)\b[^\n]*,\n\n\S", re.M)


def glued(body: str) -> list[str]:
    found = []
    for line in body.splitlines():
        for match in GLUED.finditer(line):
            if "://" in line[: match.start()].rsplit(" ", 1)[-1]:
                continue  # inside a URL
            found.append(line)
    return found


def test_the_check_sees_glued_lines():
    assert glued("Où : Capitale-NationaleVos formations : http://x.test/formations")
    assert glued("Votre inscription est confirmée.L’invitation jointe")
    assert not glued("Où : Capitale-Nationale\nVos formations : http://x.test/Formations/AbcDef")


def test_a_line_that_prints_keeps_its_break_and_a_line_of_tags_vanishes(app):
    source = (
        "{% if a %}\nA : {% if b %}x{% else %}{{ c }}{% endif %}\nB\n{% endif %}\n"
        "{% if d %}D{% endif %}\n{% if e %}E{% else %}F{% endif %}\nG"
    )
    assert keep_text_lines(source) == (
        "{% if a %}\nA : {% if b %}x{% else %}{{ c }}{% endif +%}\nB\n{% endif %}\n"
        "{% if d %}D\n{% endif %}\n{% if e %}E{% else %}F{% endif +%}\nG"
    )
    template = app.jinja_env.from_string(keep_text_lines(source))
    assert template.render(a=True, b=False, c="Capitale-Nationale", d=False, e=False) == (
        "A : Capitale-Nationale\nB\nF\nG"
    )
    assert template.render(a=False, d=True, e=True) == "D\nE\nG"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_place_of_a_session_is_followed_by_a_new_line(app, locale):
    context = {
        "training_title": "Plan de sécurité",
        "is_online": False,
        "place": "Québec, Capitale-Nationale",
    }
    with app.test_request_context(), force_locale(locale):
        text = render_template("email/trainings_details.txt", starts_at=None, ends_at=None, **context)
        text += "Vos formations"
    assert "Capitale-Nationale\n" in text and not glued(text), text


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_no_plain_text_email_glues_its_lines(
    kind,
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
        "db": db, "make_practice": make_practice, "make_session": make_session,
        "make_training": make_training, "make_position": make_position,
    }  # fmt: skip
    email_level(Level.FULL.value)  # everything an email may say, so every line is there
    user = SCENARIOS[kind](world, locale, services)
    db.session.flush()
    messages = _outbox(db, "digest" if kind.startswith("digest") else kind, user)
    assert messages
    for message in messages:
        body = message.get_body(("plain",)).get_content()
        assert not glued(body), body
        assert GREETING.search(body), f"no blank line after the greeting:\n{body}"
        assert "\n\n\n" not in body, body
