"""One-click unsubscribe (RFC 8058): works without signing in, and cannot be forged."""

from __future__ import annotations

import re

import pytest

from intranet.accounts.services import make_token
from intranet.database import utcnow
from intranet.notifications import digests
from intranet.notifications.models import Frequency, NotificationPreference
from intranet.notifications.tokens import make_unsubscribe_token
from tests.notifications.conftest import digests_for


@pytest.fixture
def csrf_on(app, monkeypatch):
    """The real configuration: CSRF protection on (the tests' app has it off)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _frequency(db, user):
    db.session.expire_all()
    pref = db.session.get(NotificationPreference, user.id)
    return pref.frequency if pref else Frequency.WEEKLY


def test_the_link_from_a_real_digest_unsubscribes_with_one_click(
    app, db, make_org, make_user, sources, smtp, csrf_on
):
    practices = sources.add()
    org = make_org()
    member = make_user(org=org)
    practices.add("Nouveauté", org)
    db.session.commit()
    digests.send_batch("w2026-W48", [member.id])
    [mail] = digests_for(smtp, member.email)
    url = re.fullmatch(r"<http://passerelle\.test(/desabonnement/\S+)>", mail["List-Unsubscribe"]).group(1)
    # On the wire as RFC 2369 writes it, not as RFC 2047 encoded words (which mail clients do not
    # decode there: their one-click button would never show), however long the link.
    raw = dict(mail.raw_items())["List-Unsubscribe"]
    assert len(raw) > 78 and raw == mail["List-Unsubscribe"] and "=?" not in raw

    client = app.test_client()  # no session, no CSRF token: what a mail client sends
    # A link scanner's GET changes nothing.
    page = client.get(url)
    assert page.status_code == 200 and "Me désabonner du résumé" in page.get_data(as_text=True)
    assert _frequency(db, member) == Frequency.WEEKLY
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "vous ne recevrez plus le résumé" in response.get_data(as_text=True)
    assert _frequency(db, member) == Frequency.NEVER
    assert db.session.get(NotificationPreference, member.id).unsubscribed_at is not None
    # Used twice: still fine.
    assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    # And no more digests.
    practices.add("Autre nouveauté", org, created_at=utcnow())
    assert digests.send_batch("w2026-W49", [member.id])["skipped"] == 1
    assert len(digests_for(smtp, member.email)) == 1


def test_the_button_on_the_page_redirects_after_unsubscribing(app, db, make_user, csrf_on):
    member = make_user(locale="en")
    db.session.commit()
    url = f"/desabonnement/{make_unsubscribe_token(member)}"
    client = app.test_client()
    response = client.post(url)
    assert response.status_code == 303 and response.headers["Location"] == url
    assert "You will no longer receive" not in client.get(url).get_data(as_text=True)  # French for visitors
    assert "vous ne recevrez plus le résumé" in client.get(url).get_data(as_text=True)
    assert _frequency(db, member) == Frequency.NEVER


def test_forged_or_foreign_tokens_are_refused(app, db, make_user, csrf_on):
    member, other = make_user(), make_user()
    db.session.commit()
    good = make_unsubscribe_token(member)
    payload, signature = good.rsplit(".", 1)
    client = app.test_client()
    forged = [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # signature altered
        make_unsubscribe_token(other).rsplit(".", 1)[0] + "." + signature,  # another member's payload
        make_token(member, "reset"),  # a password-reset token is not an unsubscribe token
        "nimportequoi",
    ]
    for token in forged:
        assert client.get(f"/desabonnement/{token}").status_code == 404
        assert (
            client.post(f"/desabonnement/{token}", data={"List-Unsubscribe": "One-Click"}).status_code == 404
        )
    assert _frequency(db, member) == Frequency.WEEKLY and _frequency(db, other) == Frequency.WEEKLY
    # Signed with another key: refused too.
    app.config["SECRET_KEY"], key = "une-autre-cle-" + "y" * 32, app.config["SECRET_KEY"]
    try:
        other_key = make_unsubscribe_token(member)
    finally:
        app.config["SECRET_KEY"] = key
    assert client.post(f"/desabonnement/{other_key}").status_code == 404


def test_resubscribing_from_the_preferences(login_as, db):
    client, member = login_as("member")
    client.post(f"/desabonnement/{make_unsubscribe_token(member)}")
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Vous vous êtes désabonné(e)" in page
    client.post(
        "/notifications/preferences",
        data={"frequency": "weekly", "weekday": "0", "locale": "fr", "all_regions": "y"},
    )
    assert _frequency(db, member) == Frequency.WEEKLY
    assert db.session.get(NotificationPreference, member.id).unsubscribed_at is None
