"""What leaves the system: headers on every response, cookies, the quick exit, uploads."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, sign_in


def _check_headers(response, signed_in: bool) -> None:
    h = response.headers
    csp = h["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert h["Referrer-Policy"] == "no-referrer"
    assert h["X-Content-Type-Options"] == "nosniff"
    if signed_in:
        assert h["Cache-Control"] == "no-store"


def test_every_page_of_an_administrator_carries_the_headers(app, login_as):
    from tests.crawl import crawl

    client, _admin = login_as("admin")
    pages = crawl(client, limit=80)
    assert len(pages) > 5
    for page in pages:
        response = client.get(page.url)
        _check_headers(response, signed_in=True)
        if "text/html" in response.content_type:
            body = response.get_data(as_text=True)
            assert " style=" not in body and "<script>" not in body, page.url  # nothing the CSP would block


def test_anonymous_pages_and_errors_carry_them_too(client):
    for url in ("/connexion", "/mot-de-passe-oublie", "/nulle-part", "/sante"):
        _check_headers(client.get(url), signed_in=False)


def test_production_cookies_and_hsts(app, make_user):
    from intranet import create_app

    prod = create_app(
        {
            "PASSERELLE_ENV": "production",
            "SECRET_KEY": "k" * 48,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "RATELIMIT_STORAGE_URI": "memory://",
            "WTF_CSRF_ENABLED": False,
            "INSTANCE_PATH": app.instance_path,
            "LOG_REQUESTS": False,
            "LOG_FORMAT": "text",  # keep the test session's loggers as they are
        }
    )
    user = make_user("member")
    client = prod.test_client()
    response = client.post(
        "/connexion",
        data={"email": user.email, "password": TEST_PASSWORD},
        base_url="https://passerelle.test",
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-passerelle=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Domain=" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_quick_exit_ends_the_session_on_the_server(app, login_as):
    client, _user = login_as("member")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    response = client.get("/sortie", follow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == "/sortie/fin"
    assert client.get("/sortie/fin").headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    copy = app.test_client()
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    assert copy.get("/").status_code == 302


def test_disabling_or_a_password_change_ends_other_sessions(app, login_as, make_user):
    user = make_user("member")
    first, second = app.test_client(), app.test_client()
    sign_in(first, user.email)
    sign_in(second, user.email)
    first.post(
        "/compte/mot-de-passe",
        data={
            "password-current": TEST_PASSWORD,
            "password-password": "la marée monte doucement",
            "password-confirm": "la marée monte doucement",
        },
    )
    assert first.get("/").status_code == 200 and second.get("/").status_code == 302


@pytest.mark.parametrize("url", ["/mes-donnees/telecharger"])
def test_downloads_are_attachments_that_cannot_run(login_as, url):
    client, _user = login_as("member")
    response = client.post(url)
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_nul_characters_are_refused_before_any_view(login_as):
    client, user = login_as("member")
    response = client.post("/compte", data={"profile-name": "a\x00b", "profile-locale": "fr"})
    assert response.status_code == 400 and user.name != "a\x00b"
    assert client.get("/gestion/journal?person=%00").status_code == 400


def test_health_says_how_each_part_is_without_personal_data(client, make_user):
    make_user("member", email="sante@essai.example")
    response = client.get("/sante")
    data = response.get_json()
    assert response.status_code == 200 and data["status"] == "ok"
    assert (
        data["checks"]["database"] == "ok" and data["checks"]["redis"] == "ok" and "workers" in data["checks"]
    )
    assert "@" not in response.get_data(as_text=True)
