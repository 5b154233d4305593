"""Find every form of the site (by crawling as each role) and check pages for executable markup."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Field:
    name: str
    kind: str  # "text", "select", "checkbox", "hidden", "file", "textarea", ...
    options: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class Form:
    page: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.action.split("?")[0], tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.current = Form(self.page, urljoin(self.page, a.get("action") or self.page))
        if self.current is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            existing = self.current.fields.get(name)
            if existing is not None and kind in ("checkbox", "radio"):
                existing.options.append(a.get("value") or "on")
            else:
                self.current.fields[name] = Field(
                    name,
                    kind,
                    [a.get("value") or "on"] if kind in ("checkbox", "radio") else [],
                    a.get("value") or "",
                )
        elif tag == "textarea" and name:
            self.current.fields[name] = Field(name, "textarea")
        elif tag == "select" and name:
            self.select = Field(name, "select")
            self.current.fields[name] = self.select
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
        elif tag == "button" and name:
            self.current.fields.setdefault(name, Field(name, "button", [a.get("value") or ""]))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


def forms_of(page_url: str, html: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


class _Executable(HTMLParser):
    """Markup that would run script: inline scripts, event handlers, javascript: URLs, inline styles."""

    def __init__(self, allowed_scripts: tuple[str, ...]) -> None:
        super().__init__()
        self.allowed = allowed_scripts
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value.replace(
                " ", ""
            ).startswith(("javascript:", "data:text/html", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value[:40]}>")
            if name == "style":
                self.problems.append(f"<{tag} style=...>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not any(src.startswith(prefix) for prefix in self.allowed):
                self.problems.append(f"<script src={src!r}>")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")


def executable_markup(html: str, allowed_scripts: tuple[str, ...] = ("/static/",)) -> list[str]:
    parser = _Executable(allowed_scripts)
    parser.feed(html)
    return parser.problems
