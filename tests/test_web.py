"""What every response carries: security headers, compression, cacheable static files, CSRF, quick exit."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from intranet import create_app
from intranet.assets import PAGE_ASSETS
from tests.support import header_bytes


def test_security_headers_and_no_store_for_signed_in_pages(login_as, client):
    anonymous = client.get("/connexion")
    assert "frame-ancestors 'none'" in anonymous.headers["Content-Security-Policy"]
    assert "script-src 'self'" in anonymous.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in anonymous.headers["Content-Security-Policy"]
    assert anonymous.headers["Referrer-Policy"] == "no-referrer"
    assert anonymous.headers["X-Content-Type-Options"] == "nosniff"
    signed_in, _ = login_as("member")
    assert signed_in.get("/").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(login_as):
    client, _ = login_as("admin")
    for url in ("/", "/compte", "/gestion/organismes", "/gestion/taches"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>" not in body and " style=" not in body and "<style" not in body, url
        assert " on" + "click=" not in body


def test_html_is_compressed(client):
    response = client.get("/connexion", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    brotli = client.get("/connexion", headers={"Accept-Encoding": "br, gzip"})
    assert brotli.headers.get("Content-Encoding") == "br"


def test_static_files_are_compressed_once_and_cached_for_a_year(login_as):
    client, _ = login_as("member")
    body = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', body)
    assert len(urls) == len(PAGE_ASSETS)
    for url, name in zip(urls, PAGE_ASSETS, strict=True):
        stem, ext = name.rsplit(".", 1)
        assert re.fullmatch(rf"/static/{re.escape(stem)}\.[0-9a-f]{{12}}\.{ext}", url), url
        plain = client.get(url)
        for encoding in ("br", "gzip"):
            response = client.get(url, headers={"Accept-Encoding": f"{encoding}, deflate"})
            assert response.status_code == 200
            assert response.headers["Content-Encoding"] == encoding
            assert response.headers["Vary"] == "Accept-Encoding"
            assert response.headers["Cache-Control"] == "max-age=31536000, public, immutable"
            assert "Set-Cookie" not in response.headers
            assert header_bytes(response) <= 400, (url, header_bytes(response))
            decoded = brotli.decompress if encoding == "br" else gzip.decompress
            assert decoded(response.get_data()) == plain.get_data()
            assert len(response.get_data()) < len(plain.get_data()) / 2
            again = client.get(
                url, headers={"Accept-Encoding": encoding, "If-None-Match": response.headers["ETag"]}
            )
            assert again.status_code == 304 and not again.get_data()
            assert again.headers["Cache-Control"] == "max-age=31536000, public, immutable"
            assert header_bytes(again) <= 400
            for r in (response, again):
                r.close()
        plain.close()


def test_a_changed_static_file_gets_a_new_name(app, tmp_path):
    from intranet.assets import build

    source, target = tmp_path / "src", tmp_path / "out"
    (source / "css").mkdir(parents=True)
    (source / "css/a.css").write_text("body { color: black; }" * 40)
    first = build(source, target)["css/a.css"]
    assert (
        (target / first).is_file()
        and (target / (first + ".br")).is_file()
        and (target / (first + ".gz")).is_file()
    )
    (source / "css/a.css").write_text("body { color: navy; }" * 40)
    second = build(source, target)["css/a.css"]
    assert second != first and (target / second).read_text().startswith("body { color: navy")
    assert (target / first).is_file()  # pages still open on the old build keep their file a day


def test_csrf_is_required_for_forms_and_htmx(app, login_as, monkeypatch):
    client, _ = login_as("member")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post("/compte/sessions/fermer")
    assert refused.status_code == 400
    assert "Le formulaire a expiré" in refused.get_data(as_text=True)
    page = client.get("/compte").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    accepted = client.post("/compte/sessions/fermer", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert accepted.status_code == 303


def test_quick_exit_is_on_every_page_and_ends_the_session(app, login_as, client):
    assert 'id="quick-exit"' in client.get("/connexion").get_data(as_text=True)
    member, _ = login_as("member")
    home = member.get("/").get_data(as_text=True)
    assert home.index('id="quick-exit"') < home.index("<main")
    response = member.get("/sortie")
    assert response.status_code == 303
    assert member.get(response.headers["Location"]).headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert "cookies" in response.headers["Clear-Site-Data"]
    member.delete_cookie(app.config["QUICK_EXIT_COOKIE"])  # the marker sends everything away meanwhile
    assert member.get("/").status_code == 302


def test_language_switch_and_english_pages(login_as, client):
    response = client.post("/langue", data={"lang": "en", "next": "/connexion"})
    assert response.status_code == 303 and response.headers["Location"] == "/connexion"
    page = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page and "Quick exit" in page
    member, user = login_as("member")
    member.post("/langue", data={"lang": "en", "next": "/"})
    assert user.locale == "en"
    assert "Hello" in member.get("/").get_data(as_text=True)


def test_dates_are_shown_in_the_network_time_zone(app):
    from datetime import UTC, datetime

    from flask_babel import force_locale, format_datetime

    with app.test_request_context("/"), force_locale("fr"):
        # 14:00 UTC in July is 10:00 in Montréal (EDT), whatever the server's zone.
        assert "10:00" in format_datetime(datetime(2026, 7, 1, 14, 0, tzinfo=UTC), "short")


def test_production_refuses_a_missing_or_default_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            {
                "PASSERELLE_ENV": "production",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "INSTANCE_PATH": str(tmp_path),
            }
        )
    app = create_app(
        {
            "PASSERELLE_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_health_reports_database_and_redis(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json["checks"]["database"] == "ok" and response.json["checks"]["redis"] == "ok"


def test_error_pages_are_in_french_and_say_nothing_of_the_object(login_as):
    client, _ = login_as("coordinator")
    response = client.get("/gestion/organismes/999999")
    assert response.status_code == 404
    assert "n’existe pas ou vous n’y avez pas accès" in response.get_data(as_text=True)
