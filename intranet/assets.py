"""Static files: fingerprinted URLs (``?v=<hash>``) cached for a year, and the byte budget list."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600

# The CSS and JS every page loads, in order. The page-weight test and benchmark read this list.
PAGE_ASSETS = ("css/app.css", "vendor/htmx-2.0.11.min.js", "js/app.js")


def init_app(app: Flask) -> None:
    hashes: dict[str, str] = {}
    static = Path(app.static_folder)

    def fingerprint(filename: str) -> str:
        if filename not in hashes or app.debug:
            path = static / filename
            hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""
        return hashes[filename]

    @app.url_defaults
    def _version_static(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = fingerprint(values["filename"])
            if digest:
                values["v"] = digest

    original = app.get_send_file_max_age

    def max_age(filename):
        # A versioned URL never changes content: cache it for a year. Others are revalidated.
        if request.args.get("v"):
            return ONE_YEAR
        return original(filename) or 0

    app.get_send_file_max_age = max_age

    @app.after_request
    def _immutable(response):
        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
