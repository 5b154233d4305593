"""Static files, light on the wire: built once, served by WhiteNoise.

At start the files of ``static/`` are copied to ``instance/static/`` under names that carry their
content hash (``css/app.3f2a9c1b7d0e.css``), each with a brotli and a gzip variant compressed once.
WhiteNoise, in front of the Flask app, serves them with the encoding the browser accepts
(``Vary: Accept-Encoding`` and nothing else: no cookie, no session) and caches a hashed name a year
as immutable, on 200 and 304 alike. ``url_for("static", filename="css/app.css")`` gives the hashed
URL, so a changed file is a new URL. The unhashed names stay reachable, revalidated after a minute.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import time
from pathlib import Path

import brotli
from flask import Flask
from whitenoise import WhiteNoise

ONE_YEAR = 365 * 24 * 3600

# The CSS and JS a signed-in page loads, in order. The page-weight tests and benchmark read this list.
PAGE_ASSETS = ("css/app.css", "vendor/htmx-2.0.11.min.js", "js/app.js")
# Pages for people not signed in (sign-in, password reset, invitation...) need no script.
PUBLIC_ASSETS = ("css/app.css",)

HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
COMPRESSIBLE = (".css", ".js", ".svg", ".txt", ".json", ".map", ".ico", ".html", ".xml")
STALE_AFTER = 24 * 3600  # a replaced build is kept a day for pages still open on it


class StaticFiles(WhiteNoise):
    FOREVER = ONE_YEAR


def _hashed_name(rel: str, digest: str) -> str:
    stem, dot, ext = rel.rpartition(".")
    if not dot or "/" in ext:
        return f"{rel}.{digest}"
    return f"{stem}.{digest}.{ext}"


def _write(path: Path, data: bytes) -> None:
    """Atomic: web workers starting together may build at once; a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def build_file(source: Path, rel: str, target: Path) -> str:
    """Copy one file under its hashed name with its compressed variants; returns the hashed name."""
    data = (source / rel).read_bytes()
    name = _hashed_name(rel, hashlib.sha256(data).hexdigest()[:12])
    out = target / name
    if out.is_file():
        return name
    out.parent.mkdir(parents=True, exist_ok=True)
    if rel.endswith(COMPRESSIBLE) and len(data) > 300:
        # Each variant written only when it is smaller; the plain file last marks the build done.
        br = brotli.compress(data, quality=11)
        if len(br) < len(data):
            _write(out.with_name(out.name + ".br"), br)
        gz = gzip.compress(data, compresslevel=9, mtime=0)
        if len(gz) < len(data):
            _write(out.with_name(out.name + ".gz"), gz)
    _write(out, data)
    return name


def build(source: Path, target: Path) -> dict[str, str]:
    """Build every file of ``source``; returns {logical name: hashed name}. Old builds are pruned."""
    manifest: dict[str, str] = {}
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            rel = path.relative_to(source).as_posix()
            manifest[rel] = build_file(source, rel, target)
    keep = set(manifest.values())
    keep |= {f"{name}.br" for name in keep} | {f"{name}.gz" for name in keep}
    now = time.time()
    for path in target.rglob("*"):
        rel = path.relative_to(target).as_posix()
        try:
            if path.is_file() and rel not in keep and now - path.stat().st_mtime > STALE_AFTER:
                path.unlink()
        except FileNotFoundError:  # another process pruned it first
            pass
    return manifest


def _static_headers(headers, path, url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask) -> None:
    assert app.static_folder is not None  # create_app gives the app its static folder
    source = Path(app.static_folder)
    target = Path(app.instance_path) / "static"
    target.mkdir(parents=True, exist_ok=True)
    manifest = build(source, target)
    mtimes: dict[str, float] = {}

    def hashed(filename: str) -> str:
        if app.debug:  # a developer's edit is served at once, under its new name
            path = source / filename
            mtime = path.stat().st_mtime if path.is_file() else 0.0
            if path.is_file() and mtimes.get(filename) != mtime:
                mtimes[filename] = mtime
                manifest[filename] = build_file(source, filename, target)
        return manifest.get(filename, filename)

    @app.url_defaults
    def _hashed_static(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = hashed(values["filename"])

    prefix = (app.static_url_path or "/static").strip("/") + "/"
    static = StaticFiles(
        app.wsgi_app,
        max_age=60,
        allow_all_origins=False,
        autorefresh=app.debug,
        add_headers_function=_static_headers,
        immutable_file_test=lambda path, url: bool(HASHED.search(url)),
    )
    static.add_files(str(source), prefix=prefix)  # unhashed names, revalidated
    static.add_files(str(target), prefix=prefix)  # hashed names, compressed, immutable
    app.wsgi_app = static  # type: ignore[method-assign]  # Flask documents replacing it with a middleware
    app.extensions["static_manifest"] = manifest
