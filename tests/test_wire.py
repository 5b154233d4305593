"""Light on the wire through the test client: the session cookie only when the session changed, a
fragment the page already holds answered 304, and background requests that do not keep a session
alive (the browser side is in tests/browser/test_wire.py)."""

from __future__ import annotations

from datetime import timedelta

from intranet.accounts.models import UserSession
from tests.support import header_bytes

POLL = {"HX-Request": "true", "X-Background": "1"}


def _record(db, user) -> UserSession:
    return db.session.query(UserSession).filter_by(user_id=user.id).one()


def test_the_cookie_is_sent_when_the_session_changes_only(login_as, client, make_user):
    anonymous = client.get("/connexion")
    assert "Set-Cookie" in anonymous.headers  # the form's token: the session is new
    assert "Set-Cookie" not in client.get("/connexion").headers
    member, user = login_as("member")
    for url in ("/", "/formations/", "/compte", "/"):
        assert "Set-Cookie" not in member.get(url).headers, url
    changed = member.post("/langue", data={"lang": "en", "next": "/"})
    assert "Set-Cookie" in changed.headers
    cookie = changed.headers["Set-Cookie"].split(";")[0]
    assert len(cookie) <= 260, cookie  # no 128-character session identifier in it
    signed_out = member.post("/deconnexion")
    assert "Set-Cookie" in signed_out.headers


def test_an_unchanged_fragment_is_a_bare_304(login_as):
    member, _ = login_as("member")
    first = member.get("/formations/", headers=POLL)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    again = member.get("/formations/", headers={**POLL, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert "Content-Security-Policy" not in again.headers and "Set-Cookie" not in again.headers
    assert "Cookie" not in again.headers.get("Vary", "")
    assert header_bytes(again) <= 160, dict(again.headers)
    stale = member.get("/formations/", headers={**POLL, "If-None-Match": 'W/"000000000000"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == first.headers["ETag"]
    # A full page is never answered 304: it is not kept in the browser's cache (no-store).
    page = member.get("/formations/", headers={"If-None-Match": first.headers["ETag"]})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"


def test_only_a_persons_action_extends_the_session(app, db, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", 100)  # activity is recorded after 10 s
    member, user = login_as("member")
    record = _record(db, user)
    record.last_seen_at = record.last_seen_at - timedelta(seconds=50)
    db.session.flush()
    seen = record.last_seen_at
    assert member.get("/formations/", headers=POLL).status_code == 200
    db.session.refresh(record)
    assert record.last_seen_at == seen  # a region refreshing itself is not activity
    assert member.get("/formations/", headers={"HX-Request": "true"}).status_code == 200
    db.session.refresh(record)
    assert record.last_seen_at > seen  # the person's own request is

    record.last_seen_at = record.last_seen_at - timedelta(seconds=150)
    db.session.flush()
    ended = member.get("/formations/", headers=POLL)
    assert ended.status_code == 401 and ended.headers["HX-Redirect"].startswith("/connexion")
    assert "Set-Cookie" in ended.headers  # the ended session's cookie goes
    assert member.get("/").status_code == 302
