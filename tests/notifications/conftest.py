"""Fixtures of the notifications tests: digest sources of our own, and digest emails read back."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from intranet.database import utcnow
from intranet.events import DigestItem


@dataclass
class FakeThing:
    """Stands for another feature's object (a practice, a session...) with its visibility rule."""

    title: str
    organization_id: int
    private: bool = False  # organization-only (rule 3)
    kind: str = "practice"
    region_id: int | None = None
    theme_ids: tuple[int, ...] = ()
    summary: str | None = None
    created_at: datetime = field(default_factory=lambda: utcnow() - timedelta(hours=1))


class FakeSource:
    """A digest source that behaves like the real ones: new since ``since``, only what the member may see."""

    def __init__(self, key: str = "practices", kind: str = "practice", standing: bool = False) -> None:
        self.key = key
        self.kind = kind
        self.standing = standing  # like sessions with seats left: shown whatever their date
        self.things: list[FakeThing] = []
        self.calls: list[tuple[int, datetime]] = []

    def add(self, title: str, org, **kw) -> FakeThing:
        thing = FakeThing(title=title, organization_id=org.id, kind=kw.pop("kind", self.kind), **kw)
        self.things.append(thing)
        return thing

    def collect(self, user, since: datetime) -> list[DigestItem]:
        self.calls.append((user.id, since))
        return [
            DigestItem(
                kind=t.kind,
                title=t.title,
                endpoint="home.index",
                values={},
                summary=t.summary,
                organization_name=None,
                when=t.created_at,
                region_id=t.region_id,
                theme_ids=t.theme_ids,
            )
            for t in self.things
            if (self.standing or t.created_at > since)
            and (not t.private or t.organization_id == user.organization_id)
        ]


@pytest.fixture
def sources(monkeypatch, app):
    """An empty registry of digest sources for the test; ``sources.add(key, ...)`` registers one."""
    from intranet import events

    monkeypatch.setitem(app.extensions, events.DIGEST_SOURCES, {})

    class Registry:
        def add(self, key="practices", kind="practice", heading="Nouvelles bonnes pratiques", order=10, **kw):
            source = FakeSource(key, kind, kw.get("standing", False))
            events.register_digest_source(app, key, order, heading, source.collect, **kw)
            return source

    return Registry()


def digests_for(smtp, address: str):
    return [m for m in smtp.messages if m["To"] == address and m["List-Unsubscribe"]]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, 6))
