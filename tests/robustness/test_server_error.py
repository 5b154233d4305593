"""Should a server error still happen: the page says nothing of its cause, shows a reference, and
the log line that carries the cause carries the same reference."""

from __future__ import annotations

import logging
import re

import pytest

from intranet.practices import services as practice_services

CAUSE = "OverflowError: Python int too large to convert to SQLite INTEGER (secret detail 7Q)"


@pytest.fixture
def broken(app, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError(CAUSE)

    monkeypatch.setattr(practice_services, "find", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer as in production


def _reference(text: str) -> str:
    found = re.search(r"(?:Référence de l’erreur|Error reference|reference)\s?: ?([0-9A-F]{8})", text)
    assert found, text[-600:]
    return found.group(1)


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_the_500_page_shows_a_reference_and_the_log_the_cause(broken, login_as, caplog, locale, headers):
    client, _ = login_as("member", locale=locale)
    with caplog.at_level(logging.ERROR):
        response = client.get("/pratiques/?q=abri", headers=headers)
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    for secret in ("secret detail", "OverflowError", "RuntimeError", "Traceback", "sqlite", "practices/"):
        assert secret not in text
    reference = _reference(text)
    assert ("Something went wrong" in text) == (locale == "en")
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info and CAUSE in str(logged[0].exc_info[1])
    assert getattr(logged[0], "request_id", None) == reference
    # A second error has another reference.
    assert _reference(client.get("/pratiques/?q=abri", headers=headers).get_data(as_text=True)) != reference


def test_when_the_error_page_itself_fails_a_bare_page_still_gives_the_reference(
    broken, login_as, monkeypatch, caplog
):
    from intranet import errors

    def failing_render(*_args, **_kwargs):
        raise RuntimeError("the templates are gone")

    monkeypatch.setattr(errors, "_render", failing_render)
    client, _ = login_as("member")
    with caplog.at_level(logging.ERROR):
        response = client.get("/pratiques/")
    text = response.get_data(as_text=True)
    assert response.status_code == 500 and "secret detail" not in text and "templates are gone" not in text
    reference = _reference(text)
    assert any(reference in r.getMessage() for r in caplog.records)
