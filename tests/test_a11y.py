"""Accessibility structure of every page each demo role can reach (WCAG 2.2 AA, issue 8).

Fast checks through the test client, over the same crawl as the page budgets (tests/crawl.py), with
the demo data loaded: what a parser can prove without a browser. The browser test
(tests/browser/test_a11y.py) adds axe-core, contrast, reflow at 320 px and the keyboard.
"""

from __future__ import annotations

import re
from collections import Counter

import cssselect2
import pytest
import sqlalchemy as sa
import tinyhtml5

from tests.conftest import AuthActions
from tests.crawl import _shape, crawl

ROLES = ("anonymous", "admin", "staff", "coordinator", "member", "partner", "member-en")
LABELLED_INPUTS = (
    "input:not([hidden]):not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset])"
    ":not([type=image]), select, textarea"
)
ID_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage")
LANG = re.compile(r"^(fr|en)(-[A-Za-z]{2})?$")


@pytest.fixture
def demo(app, db):
    from intranet.accounts.models import User
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo

    load_demo()
    by_role = dict(zip(("admin", "staff", "coordinator", "member", "partner"), ACCOUNTS, strict=True))
    users = {
        role: db.session.scalar(sa.select(User).where(User.email == row[0])) for role, row in by_role.items()
    }
    return users, DEMO_PASSWORD


def signed_in_client(app, user, password):
    """A test client signed in with the project's helper (which knows about the second factor)."""
    client = app.test_client()
    if user is not None:
        AuthActions(client).login(user, password)
        assert client.get("/compte").status_code == 200, f"{user.email} is not signed in"
    return client


class Document:
    def __init__(self, body: str) -> None:
        self.root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(body))

    def all(self, selector: str) -> list:
        return [e.etree_element for e in self.root.query_all(selector)]

    def one(self, selector: str):
        found = self.all(selector)
        return found[0] if found else None


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def accessible_text(element) -> str:
    """Text, aria-label or the alt of an image inside: enough to name a link or a button."""
    parts = [element.get("aria-label") or "", text_of(element)]
    parts += [img.get("alt") or "" for img in element.iter("{http://www.w3.org/1999/xhtml}img")]
    if element.get("value") and element.tag.endswith("input"):
        parts.append(element.get("value"))
    return " ".join(p for p in parts if p).strip()


def structure_problems(body: str, *, fragment: bool, signed_in: bool) -> list[str]:
    doc = Document(body)
    problems: list[str] = []

    if not fragment:
        html = doc.one("html")
        if not LANG.match(html.get("lang") or ""):
            problems.append(f"html lang={html.get('lang')!r}")
        title = doc.one("title")
        if title is None or not text_of(title) or text_of(title).startswith("·"):
            problems.append("no page title before the site's name")
        h1s = doc.all("h1")
        if len(h1s) != 1 or not text_of(h1s[0]):
            problems.append(f"{len(h1s)} h1 (one with text expected)")
        mains = doc.all("main")
        if len(mains) != 1 or mains[0].get("id") != "main":
            problems.append("one <main id=main> expected")
        first_link = doc.one("body a")
        if first_link is None or first_link.get("href") != "#main":
            problems.append("the first link is not the skip link to #main")
        if doc.one("body > header") is None or doc.one("body > footer") is None:
            problems.append("header and footer landmarks expected")
        if signed_in and doc.one("header nav[aria-label]") is None:
            problems.append("named main navigation expected")
        if doc.one("#quick-exit") is None:
            problems.append("no quick exit")

    ids = Counter(e.get("id") for e in doc.all("[id]"))
    problems += [f"duplicate id {i!r}" for i, n in ids.items() if n > 1]
    for attribute in ID_REFERENCES:
        for element in doc.all(f"[{attribute}]"):
            for ref in element.get(attribute).split():
                if ref not in ids:
                    problems.append(f"{attribute}={ref!r} points to nothing")
    labels_for = {label.get("for") for label in doc.all("label[for]")}
    for label in doc.all("label[for]"):
        if label.get("for") not in ids:
            problems.append(f"label for={label.get('for')!r} points to nothing")
    wrapped = {id(e) for label in doc.all("label") for e in label.iter()}
    for control in doc.all(LABELLED_INPUTS):
        if control.get("id") in labels_for or id(control) in wrapped or control.get("aria-labelledby"):
            continue
        problems.append(f"{control.tag.split('}')[1]} name={control.get('name')!r} has no visible label")
    for button in doc.all("button, input[type=submit], input[type=button]"):
        if not accessible_text(button):
            problems.append(f"button without a name: {button.get('name') or button.get('class')}")
    for link in doc.all("a[href]"):
        if not accessible_text(link):
            problems.append(f"link without text: {link.get('href')}")
    for img in doc.all("img:not([alt])"):
        problems.append(f"image without alt: {img.get('src')}")
    for table in doc.all("table"):
        if not table.findall(".//{http://www.w3.org/1999/xhtml}th"):
            problems.append("table without header cells")
    for element in doc.all("[lang]"):
        if not LANG.match(element.get("lang")):
            problems.append(f"lang={element.get('lang')!r}")
    for element in doc.all("*"):
        for name, value in element.attrib.items():
            if value == "None" or (name == "aria-invalid" and value not in ("true", "false")):
                problems.append(f"{name}={value!r} on <{element.tag.split('}')[1]}> (a template wrote None)")
    for element in doc.all("[style]"):
        problems.append(f"inline style on <{element.tag.split('}')[1]}> (CSP)")
    for element in doc.all("[tabindex]"):
        if element.get("tabindex") not in ("0", "-1"):
            problems.append(f"tabindex={element.get('tabindex')} changes the reading order")
    if not fragment:
        for element in doc.all("[hx-target^='#']"):
            if element.get("hx-target")[1:] not in ids:
                problems.append(f"hx-target={element.get('hx-target')!r}: no such region on the page")
        announcer = doc.one("main > #announcer[aria-live=polite]")
        if announcer is None:
            problems.append("no polite live region #announcer for what htmx swaps in")
    levels = [int(h.tag[-1]) for h in doc.all("h1, h2, h3, h4, h5, h6")]
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level skipped: h{before} then h{after}")
            break
    return problems


MARKER = "Texte gardé 7319"
TEXT_TYPES = ("text", "email", "search", "url", "tel", None)


def invalid_submission(body: str, page_url: str):
    """For each POST form of the page that has text fields: (action, data) with the text fields
    empty but the first, which gets MARKER. Empty required fields make the form invalid."""
    doc = Document(body)
    for form in doc.all("main form[method=post]"):
        controls = [e for e in form.iter() if e.tag.split("}")[1] in ("input", "textarea", "select")]
        texts = [
            c
            for c in controls
            if c.get("name")
            and c.get("hidden") is None
            and (c.tag.endswith("textarea") or (c.tag.endswith("input") and c.get("type") in TEXT_TYPES))
        ]
        if not texts:
            continue
        data = {}
        for control in controls:
            name, kind = control.get("name"), control.get("type")
            if not name or kind in ("checkbox", "radio", "file", "submit"):
                continue
            if control.tag.endswith("select"):
                options = control.findall(".//{http://www.w3.org/1999/xhtml}option")
                chosen = [o for o in options if o.get("selected") is not None] or options[:1]
                data[name] = chosen[0].get("value", text_of(chosen[0])) if chosen else ""
            elif control in texts or kind == "password":
                data[name] = ""
            else:
                data[name] = control.get("value", "")
        data[texts[0].get("name")] = MARKER
        yield form.get("action") or page_url, data


def error_problems(body: str, *, signed_in: bool) -> list[str]:
    """A form sent back with errors: summary at the top, each error tied to its field, input kept."""
    doc = Document(body)
    problems = structure_problems(body, fragment=False, signed_in=signed_in)
    if MARKER not in body:
        problems.append("what was typed is lost")
    invalid = doc.all("[aria-invalid=true]")
    summary = doc.one("main .error-summary")
    if summary is None and not invalid:
        problems.append("no error summary and no field marked invalid")
    if summary is not None:
        if summary.get("role") != "alert" or summary.get("tabindex") != "-1":
            problems.append("the error summary is not an alert that can take focus")
        ids = {e.get("id") for e in doc.all("[id]")}
        for link in summary.iter("{http://www.w3.org/1999/xhtml}a"):
            if (link.get("href") or "").lstrip("#") not in ids:
                problems.append(f"error link {link.get('href')} points to no field")
    for control in invalid:
        described = [doc.one(f"[id='{ref}']") for ref in (control.get("aria-describedby") or "").split()]
        if not any(e is not None and "error" in (e.get("class") or "") for e in described):
            problems.append(f"{control.get('name')}: its error message is not tied by aria-describedby")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_an_accessible_structure(app, demo, role):
    users, password = demo
    client = signed_in_client(app, users.get(role.removesuffix("-en")), password)
    lang = "en" if role.endswith("-en") else "fr"
    if lang == "en":  # the same pages in English, the other full language
        assert client.post("/langue", data={"lang": "en", "next": "/"}).status_code == 303
    pages = crawl(client, start="/" if role != "anonymous" else "/connexion")
    html = [p for p in pages if p.status in (200, 422) and "text/html" in p.content_type]
    assert len(html) >= (2 if role == "anonymous" else 10)
    report = []
    for page in html:
        problems = structure_problems(
            page.body.decode(), fragment=page.fragment, signed_in=role != "anonymous"
        )
        if not page.fragment and f'<html lang="{lang}">' not in page.body.decode():
            problems.append(f"the page is not in {lang}")
        report += [f"{'F ' if page.fragment else ''}{page.url}: {p}" for p in problems]
    assert not report, "\n".join(report)

    # Then every form with text fields, sent empty: the page comes back with its errors (422).
    sent, answered = set(), []
    for page in html:
        if page.fragment or page.status != 200:
            continue
        for action, data in invalid_submission(page.body.decode(), page.url):
            if _shape(action) in sent:
                continue
            sent.add(_shape(action))
            response = client.post(action, data=data)
            if response.status_code != 422:
                continue  # nothing was required (a comment box may accept empty optional fields)
            answered.append(_shape(action))
            report += [
                f"POST {action}: {p}"
                for p in error_problems(response.get_data(as_text=True), signed_in=role != "anonymous")
            ]
    assert answered, sent
    if role != "anonymous":
        assert "/pratiques/nouvelle?" in answered and "/plaidoyer/nouveau?" in answered, answered
    assert not report, "\n".join(report)


def test_the_checks_catch_what_they_look_for():
    """A page with every fault the crawl looks for: each one is reported (the checks can fail)."""
    bad = (
        '<!doctype html><html lang="xx"><head><title> · Passerelle</title></head><body>'
        '<a href="/">x</a><div><h1></h1><h1>B</h1><h4>skip</h4>'
        '<input name="q"><select name="s"></select><textarea name="t"></textarea>'
        '<label for="nowhere">L</label><input id="d" aria-describedby="gone"><input id="d">'
        '<button></button><a href="/x"></a><img src="i.png"><table><tr><td>1</td></tr></table>'
        '<p style="color:red" tabindex="3" lang="zz">p</p><input id="n" aria-invalid="None"><a href="/y" '
        'hx-get="/y" hx-target="#nowhere">y</a></div></body></html>'
    )
    problems = "\n".join(structure_problems(bad, fragment=False, signed_in=True))
    for expected in (
        "html lang='xx'",
        "no page title",
        "2 h1",
        "<main id=main>",
        "skip link",
        "header and footer",
        "named main navigation",
        "no quick exit",
        "duplicate id 'd'",
        "aria-describedby='gone'",
        "input name='q' has no visible label",
        "select name='s'",
        "textarea name='t'",
        "label for='nowhere'",
        "button without a name",
        "link without text: /x",
        "image without alt",
        "table without header cells",
        "lang='zz'",
        "inline style",
        "tabindex=3",
        "h1 then h4",
        "aria-invalid='None'",
        "hx-target='#nowhere'",
        "no polite live region",
    ):
        assert expected in problems, expected
    good = (
        '<!doctype html><html lang="fr"><head><title>Accueil · Passerelle</title></head><body>'
        '<a class="skip" href="#main">Aller</a><a id="quick-exit" href="/sortie">Quitter</a>'
        '<header><nav aria-label="Navigation"><a href="/">Accueil</a></nav></header>'
        '<main id="main"><h1>Accueil</h1><h2>Section</h2><label for="q">Rechercher</label>'
        '<input id="q" name="q" aria-describedby="q-hint"><small id="q-hint">Indice</small>'
        '<label><input type="checkbox" name="c"> Case</label><button>Chercher</button>'
        '<table><tr><th>A</th></tr><tr><td>1</td></tr></table><p lang="en">Hello</p>'
        '<a href="/p" hx-get="/p" hx-target="#main">p</a><div id="announcer" aria-live="polite"></div></main>'
        "<footer><p>Pied</p></footer></body></html>"
    )
    assert structure_problems(good, fragment=False, signed_in=True) == []


def test_a_training_given_in_english_is_marked_as_english(
    client,
    auth,
    make_user,
    make_session,
    make_training,
):
    training = make_training(title="Safety planning with interpreters", language="en")
    session = make_session(training)
    auth.login(make_user("member"))
    doc = Document(client.get(f"/formations/seances/{session.id}").get_data(as_text=True))
    assert doc.one("h1").get("lang") == "en"
    assert doc.one("section[aria-labelledby=about] > div").get("lang") == "en"
    assert doc.one("html").get("lang") == "fr"


def test_a_position_written_in_english_is_marked_as_english(
    client,
    auth,
    make_user,
    make_position,
):
    author = make_user("member")
    position = make_position(author, title="Second-stage housing in every region", language="en")
    auth.login(author)
    doc = Document(client.get(f"/plaidoyer/{position.id}").get_data(as_text=True))
    assert doc.one("h1").get("lang") == "en"
    assert doc.one("section[aria-labelledby=texte-h] > div").get("lang") == "en"
    assert doc.one("section[aria-labelledby=rev-h] > ol").get("lang") == "en"
    assert doc.one("html").get("lang") == "fr"
    french = make_position(author, title="Des places partout")
    doc = Document(client.get(f"/plaidoyer/{french.id}").get_data(as_text=True))
    assert doc.one("h1").get("lang") is None  # the page's language already
