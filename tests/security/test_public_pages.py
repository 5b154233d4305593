"""Pages seen without signing in say nothing of the cause (rule 4), in both languages; the return
path after sign-in never travels in a query string; after a quick exit the browser sees only the
neutral site."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import Forbidden, InternalServerError, NotFound, TooManyRequests

from intranet.security import rule_for
from tests.conftest import TEST_PASSWORD, sign_in

# Words that would tell whoever looks over a shoulder what this site is about (French, English).
CAUSE_WORDS = (
    "violence", "femme", "maison", "hébergement", "hebergement", "refuge", "identifi", "enfant",
    "conjugal", "victime", "agresse",
    "woman", "women", "shelter", "house", "domestic", "abuse", "identif", "child", "victim",
)  # fmt: skip
REVEALING_NAME = "Alliance des maisons d’hébergement pour femmes victimes de violence"
# Public routes that are not pages (nothing a person reads in a browser tab).
NOT_PAGES = {"accounts.quick_exit", "accounts.quick_exit_done", "home.health", "trainings.feed"}


def cause_words(html: str) -> list[str]:
    text = html.lower()
    return sorted({word for word in CAUSE_WORDS if word in text})


@pytest.fixture
def revealing_network_name(app, monkeypatch):
    """A network whose name tells the cause: public pages must not show it."""
    monkeypatch.setitem(app.config, "NETWORK_NAME", REVEALING_NAME)


def _public_page_urls(app, make_user) -> dict[str, str]:
    """A real URL for every public GET route of the URL map: a new one needs a line here."""
    from intranet.accounts.services import make_token
    from intranet.notifications.tokens import make_unsubscribe_token

    member = make_user("member")
    invited = make_user("member", password=None)
    with_token = {
        "accounts.accept_invitation": lambda: f"/invitation/{make_token(invited, 'invite')}",
        "accounts.reset_password": lambda: f"/reinitialiser/{make_token(member, 'reset')}",
        "notifications.unsubscribe": lambda: f"/desabonnement/{make_unsubscribe_token(member)}",
    }
    urls = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            endpoint = rule.endpoint
            if "GET" not in rule.methods or endpoint in NOT_PAGES or endpoint.endswith("static"):
                continue
            if rule_for(endpoint) != "public":
                continue
            if rule.arguments:
                assert endpoint in with_token, f"say how to build a real URL for the public page {endpoint}"
                urls[endpoint] = with_token[endpoint]()
            else:
                urls[endpoint] = rule.rule
    return urls


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_public_page_names_the_cause(app, client, make_user, revealing_network_name, lang):
    urls = _public_page_urls(app, make_user)
    assert {"accounts.login", "accounts.forgot_password", "accounts.accept_invitation"} <= set(urls)
    staff = make_user("staff")
    if lang == "en":
        client.post("/langue", data={"lang": "en", "next": "/connexion"})
    seen = {}
    for url in urls.values():
        response = client.get(url, follow_redirects=True)
        assert response.status_code < 500, url
        seen[url] = response.get_data(as_text=True)
    # The pages a sign-in goes through, and what a failed one shows.
    seen["/connexion (failed)"] = client.post(
        "/connexion", data={"email": "x@essai.example", "password": "faux"}
    ).get_data(as_text=True)
    client.post("/connexion", data={"email": staff.email, "password": TEST_PASSWORD})
    seen["/connexion/code"] = client.get("/connexion/code").get_data(as_text=True)
    seen["/mot-de-passe-oublie (sent)"] = client.post(
        "/mot-de-passe-oublie", data={"email": "x@essai.example"}
    ).get_data(as_text=True)
    seen["/nulle-part"] = client.get("/nulle-part").get_data(as_text=True)
    seen["/reinitialiser/faux"] = client.get("/reinitialiser/faux").get_data(as_text=True)
    # The error pages an anonymous visitor can meet, rendered by the application's own handlers.
    for error in (Forbidden(), NotFound(), TooManyRequests(), InternalServerError()):
        with app.test_request_context("/", headers={"Accept-Language": lang}):
            from flask import session

            session["lang"] = lang
            body, status = app._find_error_handler(error, [])(error)
            assert status == error.code
            seen[f"error {status}"] = body
    for url, html in seen.items():
        assert f'<html lang="{lang}">' in html, url
        assert not cause_words(html), (url, cause_words(html))
        assert "identifier une femme" not in html and "identify a woman" not in html, url  # (the reminder)
        assert "Passerelle" in html.split("</title>")[0], url


def test_signed_in_pages_keep_the_reminder_and_the_network_name(app, login_as, revealing_network_name):
    client, _user = login_as("member")
    html = client.get("/").get_data(as_text=True)
    assert "<footer" in html and "identifier une femme" in html
    assert REVEALING_NAME in html.split("</title>")[0]


def test_the_return_path_is_kept_in_the_session_not_in_the_address(app, client, make_user):
    user = make_user("member")
    response = client.get("/compte?onglet=2")
    assert response.status_code == 302 and response.headers["Location"] == "/connexion"
    # htmx and non-GET requests do not change where the sign-in leads.
    client.get("/notifications", headers={"HX-Request": "true"})
    assert sign_in(client, user.email).headers["Location"] == "/compte?onglet=2"
    # Used once: the next sign-in goes home.
    client.post("/deconnexion")
    assert sign_in(client, user.email).headers["Location"] == "/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_no_open_redirect_after_sign_in(client, make_user, target):
    user = make_user("member")
    with client.session_transaction() as session:
        session["return_to"] = target
    assert sign_in(client, user.email).headers["Location"] == "/"


def test_a_next_parameter_is_not_followed(client, make_user):
    user = make_user("member")
    client.get("/connexion?next=/compte")
    response = client.post(
        "/connexion?next=/compte", data={"email": user.email, "password": TEST_PASSWORD, "next": "/compte"}
    )
    assert response.headers["Location"] == "/"


def test_after_a_quick_exit_every_intranet_page_leads_to_the_neutral_site(app, db, login_as):
    from intranet.accounts.models import UserSession

    client, user = login_as("member")
    neutral = app.config["QUICK_EXIT_URL"]
    first = client.get("/sortie")
    assert first.status_code == 303 and first.headers["Location"] == "/sortie/fin"
    assert first.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert db.session.scalar(sa.select(sa.func.count()).where(UserSession.user_id == user.id)) == 0
    second = client.get("/sortie/fin")
    assert second.status_code == 303 and second.headers["Location"] == neutral
    marker = re.search(r"passerelle_exit=1;.*", second.headers["Set-Cookie"]).group(0)
    assert f"Max-Age={app.config['QUICK_EXIT_MARKER_SECONDS']}" in marker and "HttpOnly" in marker
    assert "SameSite=Lax" in marker  # sent when Back comes from the neutral site
    for url in ("/", "/compte", "/connexion", "/mot-de-passe-oublie", "/nulle-part"):
        response = client.get(url)
        assert response.status_code == 303 and response.headers["Location"] == neutral, url
        assert response.headers["Cache-Control"] == "no-store"
    assert client.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 303
    polled = client.get("/notifications", headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == neutral
    assert client.get("/static/css/app.css").status_code == 200
    # Once the marker is gone, the sign-in page is back.
    client.delete_cookie("passerelle_exit")
    assert client.get("/").headers["Location"] == "/connexion"


def test_pages_are_never_kept_by_the_browser(client, login_as):
    assert client.get("/connexion").headers["Cache-Control"] == "no-store"
    assert client.get("/nulle-part").headers["Cache-Control"] == "no-store"
    member, _ = login_as("member")
    assert member.get("/compte").headers["Cache-Control"] == "no-store"
