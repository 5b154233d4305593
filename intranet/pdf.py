"""PDF rendering with WeasyPrint, in workers only.

WeasyPrint reads only the project's own static files: the URL fetcher refuses ``file://`` paths
outside ``static/``, every network address and every other scheme, so text written by members
can never pull a local file or an intranet URL into a document.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app


class FetchRefused(Exception):
    pass


def _static_root() -> Path:
    return Path(current_app.static_folder).resolve()


def safe_url_fetcher(url: str, timeout: int = 10, ssl_context=None, http_headers=None, allowed_protocols=None):
    parts = urlsplit(url)
    if parts.scheme == "data":
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"refused to fetch {parts.scheme}: URL")
    path = Path(unquote(parts.path)).resolve()
    root = _static_root()
    if root not in path.parents or not path.is_file():
        raise FetchRefused("refused to read a file outside static/")
    return {"string": path.read_bytes(), "mime_type": None, "redirected_url": url, "filename": path.name}


def render_pdf(html: str, *, stylesheets: list[str] = (), metadata_title: str | None = None) -> bytes:
    """Render HTML (from our own templates) to PDF bytes. ``stylesheets`` are paths under static/."""
    import weasyprint

    root = _static_root()
    base_url = root.as_uri() + "/"
    sheets = [weasyprint.CSS(filename=str(root / name), url_fetcher=safe_url_fetcher) for name in stylesheets]
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=safe_url_fetcher)
    return document.write_pdf(stylesheets=sheets)
