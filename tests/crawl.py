"""Crawl the site as a signed-in member: every page reachable by links, and every htmx fragment."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from tests.support import header_bytes

SKIP_PREFIXES = ("/sortie", "/static/", "/deconnexion")


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    body: bytes
    fragment: bool
    headers: list[tuple[str, str]] | None = None
    header_bytes: int = 0
    statements: list[str] | None = None  # the SQL it ran, when the crawl counts them

    @property
    def gzip_size(self) -> int:
        return len(gzip.compress(self.body, compresslevel=6))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.fragments: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.links.append(attributes["href"])
        if attributes.get("hx-get"):
            self.fragments.append(attributes["hx-get"])


def _normalize(href: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not href.startswith("/"):
        return None
    if any(href.startswith(p) for p in SKIP_PREFIXES):
        return None
    return href


def _shape(url: str) -> str:
    """Pages that differ only by ids or query values count once (bounded crawl)."""
    path, _, query = url.partition("?")
    path = re.sub(r"/\d+", "/N", path)
    path = re.sub(r"/[0-9a-f]{16,}", "/H", path)
    keys = sorted(k.split("=")[0] for k in query.split("&") if k)
    return path + "?" + "&".join(keys)


def _body(response) -> bytes:
    data = response.get_data()
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


def crawl(client, start: str = "/", limit: int = 250, per_shape: int = 3, queries=None) -> list[Page]:
    """``queries``: a ``tests.support.QueryCounter``; each page's statements are then recorded."""
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    queue: list[tuple[str, bool]] = [(start, False)]
    pages: list[Page] = []
    while queue and len(pages) < limit:
        url, fragment = queue.pop(0)
        key = ("F " if fragment else "") + url
        if key in seen:
            continue
        seen.add(key)
        shape = ("F " if fragment else "") + _shape(url)
        if shapes.get(shape, 0) >= per_shape:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        headers = {"HX-Request": "true"} if fragment else {}
        if queries is not None:
            with queries:
                response = client.get(url, headers={"Accept-Encoding": "gzip", **headers})
        else:
            response = client.get(url, headers={"Accept-Encoding": "gzip", **headers})
        page = Page(
            url,
            response.status_code,
            response.content_type or "",
            _body(response),
            fragment,
            list(response.headers.items()),
            header_bytes(response),
            list(queries.statements) if queries is not None else None,
        )
        pages.append(page)
        if response.status_code != 200 or "text/html" not in page.content_type:
            continue
        parser = _Links()
        parser.feed(page.body.decode())
        for href in parser.links:
            target = _normalize(href)
            if target:
                queue.append((target, False))
        for href in parser.fragments:
            target = _normalize(href)
            if target:
                queue.append((target, True))
    return pages
