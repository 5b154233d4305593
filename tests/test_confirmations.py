"""Every action that cannot be undone asks first (intranet/confirm.py).

Found, not listed: the templates are read for forms posting to a route marked ``@confirm_first``,
and the demo site is crawled as several roles for every form whose button says it cancels,
leaves, withdraws, deletes, archives or signs. Such a form must be the confirmation itself (on
the page of its own route: GET shows, POST acts); the buttons that lead there must open a
confirmation that states the consequence, as a page and as the fragment the dialog shows.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from intranet.confirm import is_confirmed_route
from tests.conftest import sign_in
from tests.crawl import crawl

DESTRUCTIVE = re.compile(
    r"\b(annuler|quitter|retirer|supprimer|archiver|signer|désactiver|dépublier|réinitialiser|"
    r"cancel|leave|withdraw|remove|delete|archive|sign|deactivate|unpublish|reset)\b",
    re.IGNORECASE,
)
CONFIRMATION_TEMPLATES = ("confirm/_confirm.html",)


class _Forms(HTMLParser):
    """Forms with their method, action, hidden values and the labels of the buttons that send them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self.current: dict | None = None
        self.button: tuple[dict | None, list[str]] | None = None
        self.in_consequence = False
        self.consequence = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "confirm": "data-confirm" in a,
                "fields": {},
                "labels": [],
            }
            self.forms.append(self.current)
            if a.get("id"):
                self.by_id[a["id"]] = self.current
        elif tag == "input" and self.current is not None and a.get("type") == "hidden" and a.get("name"):
            self.current["fields"][a["name"]] = a.get("value") or ""
        elif tag == "button":
            owner = self.by_id.get(a.get("form")) if a.get("form") else self.current
            self.button = (owner, [], a.get("form"))
        elif tag == "p" and "consequence" in (a.get("class") or ""):
            self.in_consequence = True

    def handle_data(self, data):
        if self.button is not None:
            self.button[1].append(data)
        if self.in_consequence:
            self.consequence += data

    def handle_endtag(self, tag):
        if tag == "button" and self.button is not None:
            owner, text, form_id = self.button
            label = " ".join("".join(text).split())
            if owner is None and form_id:  # the form comes later in the page
                self.pending = getattr(self, "pending", []) + [(form_id, label)]
            elif owner is not None:
                owner["labels"].append(label)
            self.button = None
        elif tag == "form":
            self.current = None
        elif tag == "p":
            self.in_consequence = False

    def close(self):
        super().close()
        for form_id, label in getattr(self, "pending", []):
            if form_id in self.by_id:
                self.by_id[form_id]["labels"].append(label)


def parse(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser


def _endpoint(app, path: str, method: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method=method.upper())
    except Exception:
        return None
    return endpoint


def test_no_template_posts_to_a_destructive_route_directly(app):
    confirmed = {e for e, view in app.view_functions.items() if is_confirmed_route(view)}
    assert {"trainings.cancel", "advocacy.sign", "advocacy.withdraw", "practices.change_status"} <= confirmed
    root = Path(app.template_folder)
    offenders = []
    for template in root.rglob("*.html"):
        name = template.relative_to(root).as_posix()
        if name in CONFIRMATION_TEMPLATES:
            continue
        text = template.read_text()
        for tag in re.findall(r"<form\b[^>]*>", text) + re.findall(r"<[a-z]+\b[^>]*\bhx-post=[^>]*>", text):
            if tag.startswith("<form") and 'method="post"' not in tag and "hx-post" not in tag:
                continue
            for endpoint in re.findall(r"url_for\(\s*'([\w.]+)'", tag):
                if endpoint in confirmed:
                    offenders.append((name, endpoint))
    assert not offenders, f"post through confirm_button (templates/_confirm.html): {offenders}"


@pytest.fixture
def demo_clients(app, db):
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo

    load_demo()
    clients = {}
    people = [
        (email, str(role)) for email, _name, role, _org in ACCOUNTS[:4]
    ]  # admin, staff, coordinator, member
    people.append(("helene@demo.passerelle.example", "other coordinator"))  # signs others' texts
    for email, role in people:
        client = app.test_client()
        assert sign_in(client, email, DEMO_PASSWORD).status_code == 303, email
        clients[role] = client
    return clients


def test_every_destructive_form_of_the_site_asks_first(app, demo_clients):
    checked: set[str] = set()
    for role, client in demo_clients.items():
        for page in crawl(client, limit=150, per_shape=2):
            if page.status != 200 or "text/html" not in page.content_type or page.fragment:
                continue
            page_path = urlsplit(page.url).path
            for form in parse(page.body.decode()).forms:
                path = urlsplit(form["action"] or page.url).path
                labels = " / ".join(form["labels"])
                if form["method"] == "post":
                    endpoint = _endpoint(app, path, "POST")
                    destructive = DESTRUCTIVE.search(labels) or is_confirmed_route(
                        app.view_functions.get(endpoint)
                    )
                    # Acting straight away is only for the page that is itself the confirmation.
                    assert not destructive or path == page_path, (role, page.url, path, labels)
                elif form["confirm"]:
                    endpoint = _endpoint(app, path, "GET")
                    assert is_confirmed_route(app.view_functions.get(endpoint)), (page.url, path)
                    if endpoint in checked:
                        continue
                    checked.add(endpoint)
                    _check_confirmation(client, path, form["fields"], labels)
    # The crawl met the confirmations of the actions named in the issue.
    assert {"trainings.cancel", "practices.change_status"} <= checked, checked


def _check_confirmation(client, path: str, fields: dict, labels: str) -> None:
    url = path + ("?" + urlencode(fields) if fields else "")
    page = client.get(url)
    assert page.status_code == 200, (url, labels)
    found = parse(page.get_data(as_text=True))
    acting = [f for f in found.forms if f["method"] == "post" and urlsplit(f["action"]).path == path]
    assert len(acting) == 1, url
    assert found.consequence.strip(), f"{url}: the confirmation must say what will happen"
    for name, value in fields.items():  # what the button carried travels on with the action
        assert acting[0]["fields"].get(name) == value, (url, name)
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and f'action="{path}"' in fragment and 'id="confirm-h"' in fragment
