"""PDF rendering with WeasyPrint, in workers only.

WeasyPrint reads only the project's own static files: the URL fetcher refuses ``file://`` paths
outside ``static/``, every network address and every other scheme, so text written by members
can never pull a local file or an intranet URL into a document.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app


def _static_root() -> Path:
    return Path(current_app.static_folder).resolve()


def safe_url_fetcher():
    """A WeasyPrint URL fetcher that serves only files under static/ (and data: URIs)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = _static_root()

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused to fetch a {parts.scheme or 'relative'} URL")
            path = Path(unquote(parts.path)).resolve()
            if root not in path.parents or not path.is_file():
                raise ValueError("refused to read a file outside static/")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return StaticOnlyFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)


def render_pdf(html: str, *, stylesheets: list[str] = (), metadata_title: str | None = None) -> bytes:
    """Render HTML (from our own templates) to PDF bytes. ``stylesheets`` are paths under static/."""
    import weasyprint

    root = _static_root()
    base_url = root.as_uri() + "/"
    fetcher = safe_url_fetcher()
    sheets = [weasyprint.CSS(filename=str(root / name), url_fetcher=fetcher) for name in stylesheets]
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets)
