"""PDF rendering with WeasyPrint, in workers only.

WeasyPrint reads only the project's own static files: the URL fetcher refuses ``file://`` paths
outside ``static/``, every network address and every other scheme, so text written by members
can never pull a local file or an intranet URL into a document.

Each render runs in a forked child with a memory ceiling and a time limit (``PDF_TIME_LIMIT``
seconds, ``PDF_MEMORY_LIMIT`` bytes), so a pathological document cannot take the worker down
with it. The fork is cheap: WeasyPrint is already imported in the parent (the worker preloads it).
"""

from __future__ import annotations

import os
import resource
import select
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app


def _static_root() -> Path:
    assert current_app.static_folder is not None  # create_app gives the app its static folder
    return Path(current_app.static_folder).resolve()


def safe_url_fetcher():
    """A WeasyPrint URL fetcher that serves only files under static/ (and data: URIs)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # lazy: WeasyPrint, not in the web process

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


_WARM_UP_HTML = """<html lang="fr"><head><style>
@page { size: A4; margin: 2cm; @top-left { content: "x" } \
@bottom-right { content: counter(page) " / " counter(pages) } }
p { hyphens: auto; text-align: justify } .f { float: footnote }
</style></head><body>
<h1 style="font-family: 'DejaVu Sans'">Réseau</h1>
<p style="font-family: 'DejaVu Serif'">Développement d’hébergement<span class="f">Note</span> \
<b>gras</b> <i>italique</i></p>
<p lang="en" style="font-family: 'DejaVu Sans'">Development of <b>housing</b> <code>code</code></p>
</body></html>"""
_warm = False


def warm_up() -> None:
    """Render a tiny document once in this process, so that the forked renderers inherit loaded
    fonts, hyphenation dictionaries and the user-agent stylesheet instead of paying for them on
    every job (most of the cost of a short document). The worker calls it before forking."""
    global _warm
    if _warm:
        return
    import weasyprint  # lazy: WeasyPrint stays out of the web process

    weasyprint.HTML(string=_WARM_UP_HTML).write_pdf()
    _warm = True


class PDFRenderError(RuntimeError):
    """The render failed, ran out of time or of memory (the message says which)."""


DEFAULT_TIME_LIMIT = 120
DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024  # on top of what the process already maps


def render_pdf(
    html: str,
    *,
    stylesheets: Sequence[str] = (),
    metadata_title: str | None = None,
    time_limit: float | None = None,
    memory_limit: int | None = None,
) -> bytes:
    """Render HTML (from our own templates) to PDF bytes. ``stylesheets`` are paths under static/.

    ``time_limit`` (seconds) and ``memory_limit`` (bytes) default to the app's ``PDF_TIME_LIMIT``
    and ``PDF_MEMORY_LIMIT``; 0 turns the confinement off (the render then runs in this process).
    """
    import weasyprint  # lazy: WeasyPrint stays out of the web process

    root = _static_root()
    base_url = root.as_uri() + "/"
    fetcher = safe_url_fetcher()
    config = current_app.config
    if time_limit is None:
        time_limit = config.get("PDF_TIME_LIMIT", DEFAULT_TIME_LIMIT)
    if memory_limit is None:
        memory_limit = config.get("PDF_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)

    def render() -> bytes:
        sheets = [weasyprint.CSS(filename=str(root / name), url_fetcher=fetcher) for name in stylesheets]
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        return document.write_pdf(stylesheets=sheets)

    if not (time_limit or memory_limit) or not hasattr(os, "fork"):
        return render()
    warm_up()
    return _render_in_child(render, time_limit or 3600, memory_limit)


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _render_in_child(render, time_limit: float, memory_limit: int | None) -> bytes:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render under limits, send b"OK"+pdf or b"ER"+message, exit at once
        status = 0
        try:
            os.close(read_end)
            if memory_limit:
                ceiling = _mapped_bytes() + memory_limit
                resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
            cpu = int(time_limit) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            try:
                payload = b"OK" + render()
            except MemoryError:
                payload = b"ERmemory limit reached while rendering the PDF"
            except BaseException as exc:  # reported to the parent, which raises it there
                payload = b"ER" + f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")[:2000]
            view = memoryview(payload)
            while view:
                written = os.write(write_end, view)
                view = view[written:]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + time_limit
    timed_out = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _w, _x = select.select([read_end], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _pid, wait_status = os.waitpid(pid, 0)
    if timed_out:
        raise PDFRenderError(f"time limit of {time_limit:g} s reached while rendering the PDF")
    data = b"".join(chunks)
    if data.startswith(b"OK"):
        return data[2:]
    if data.startswith(b"ER"):
        raise PDFRenderError(data[2:].decode("utf-8", "replace"))
    if os.WIFSIGNALED(wait_status):
        sig = os.WTERMSIG(wait_status)
        reason = "time limit" if sig in (signal.SIGXCPU, signal.SIGKILL) else f"signal {sig}"
        raise PDFRenderError(f"the PDF renderer stopped ({reason})")
    raise PDFRenderError("the PDF renderer stopped without a result")
