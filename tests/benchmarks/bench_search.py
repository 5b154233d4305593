"""Benchmark of the header's search (``/recherche``): every source at once, as a member sees it.

The database holds, at scale 1 (texts drawn from a small vocabulary, one word in six a searched
one): 600 organizations with their directory profiles, 1,500 shared resources, 5,000 practices (10 %
organization-only), 300 trainings with two sessions each, 600 advocacy texts, 24 spaces (half
members-only) with 2,000 threads and 20,000 messages, and 400 decisions. Prints p50/p95 server time
of ``/recherche?q=…`` (the Flask test client: session, every source's queries, highlighting,
template) for a mix of common and rare words, the p95 of one kind's page, and the gzip size of the
heaviest results page (the page budget is 14 KB). On SQLite (a temporary file) and, when
BENCH_DATABASE_URL is set, on PostgreSQL (a database ``bench_search`` created beside it and dropped
at the end).

    BENCH_ONLY=search make bench      (or python -m tests.benchmarks.bench_search)

Environment: BENCH_DATABASE_URL, BENCH_SEARCH_SCALE (1), BENCH_SEARCH_REQUESTS (60 per measure),
BENCH_SEARCH_ROUNDS (3), BENCH_SEARCH_ENGINES ("sqlite,postgresql"). As in the practices
benchmark (whose measuring it reuses), the round with the lowest p95 is reported, the worst
round's p95 beside it; ``cpu_p95`` counts CPU time only (this process's and PostgreSQL's).
"""

from __future__ import annotations

import gzip
import os
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa

from tests.benchmarks import bench_directory
from tests.benchmarks.bench_practices import _backend_pids, _measure

SCALE = float(os.environ.get("BENCH_SEARCH_SCALE", "1"))
REQUESTS = int(os.environ.get("BENCH_SEARCH_REQUESTS", "60"))
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "3"))
ENGINES = {e.strip() for e in os.environ.get("BENCH_SEARCH_ENGINES", "sqlite,postgresql").split(",")}
PASSWORD = bench_directory.PASSWORD
QUERIES = (
    "interprète",
    "violence conjugale",
    "hébergement",
    "plan de sécurité",
    "dari Abitibi",
    "femmes",
    "logement",
    "tribunal jeunesse",
    "statut d’immigration",
    "accueil",
    "xylophone",  # nothing anywhere
    "inter",
)
WORDS = (
    "interprète interprétariat violence conjugale hébergement sécurité plan femmes enfants logement tribunal "
    "jeunesse protection statut immigration accueil accompagnement région équipe réseau confidentialité "
    "dépistage référence suivi intervention approche interculturelle féministe intersectionnelle"
).split()


# Most words of a real text are none of the searched ones: sentences draw one word in six from
# WORDS and the others from these (a text made only of WORDS would match every query everywhere).
FILLER = (
    "nous avons mis en place une rencontre chaque semaine avec les partenaires pour parler des besoins "
    "concrets du terrain puis nous avons ajusté notre façon de faire selon les retours reçus des "
    "collègues cette démarche demande du temps mais elle donne des résultats durables lorsque toute "
    "la communauté participe activement aux décisions prises ensemble pendant les mois suivants avec "
    "patience écoute respect transparence budget calendrier horaire bureau document formulaire courriel "
    "téléphone rendez-vous transport garderie école santé travail revenu droit service programme projet "
    "bilan rapport évaluation atelier groupe comité conseil table réunion ordre du jour procès-verbal"
).split()


def _n(count: int) -> int:
    return max(1, int(count * SCALE))


def _sentence(rng: random.Random, words: int = 12) -> str:
    return (
        " ".join(rng.choice(WORDS if rng.random() < 1 / 6 else FILLER) for _ in range(words)).capitalize()
        + "."
    )


def _build(app, rng: random.Random) -> dict:
    from intranet.accounts.models import Organization, Role, Sector, User
    from intranet.accounts.passwords import hash_password
    from intranet.advocacy.models import Kind, Position, Status
    from intranet.demo import ensure_regions
    from intranet.directory import vocab
    from intranet.directory.models import Profile, Resource, ResourceStatus
    from intranet.directory.services import search_text
    from intranet.extensions import db
    from intranet.practices import search
    from intranet.practices.models import Practice, Visibility
    from intranet.practices.models import Status as PracticeStatus
    from intranet.spaces.models import Post, Proposal, Space, SpaceKind, SpaceMember, SpaceVisibility, Thread
    from intranet.trainings.models import SessionFormat, Training, TrainingSession

    started = time.perf_counter()
    now = datetime.now(UTC)
    with app.app_context():
        db.drop_all()
        db.create_all()
        regions = list(ensure_regions().values())
        names = {r.id: r.name for r in regions}
        orgs = [
            Organization(
                name=f"{('Maison', 'Centre', 'Carrefour')[i % 3]} {i:04d} de "
                f"{regions[i % len(regions)].name}",
                sector=(Sector.SHELTER, Sector.VIOLENCE, Sector.IMMIGRATION)[i % 3],
                region=regions[i % len(regions)],
                town=f"Ville {i % 90}",
            )
            for i in range(_n(600))
        ]
        db.session.add_all(orgs)
        db.session.flush()
        codes = list(vocab.LANGUAGES)
        for profile in db.session.scalars(sa.select(Profile)):
            organization = profile.organization
            profile.set_regions([organization.region_id])
            profile.set_languages(["fr", *rng.sample(codes, 2)])
            profile.description = _sentence(rng, 20)
            profile.search_text = search_text.profile_text(
                profile, organization, [names[organization.region_id]]
            )
        hashed = hash_password(PASSWORD)
        staff = User(email="equipe@banc.example", name="Équipe", role=Role.STAFF,
                     organization_id=orgs[0].id, password_hash=hashed)  # fmt: skip
        member = User(email="membre@banc.example", name="Membre", role=Role.MEMBER,
                      organization_id=orgs[1].id, password_hash=hashed)  # fmt: skip
        db.session.add_all([staff, member])
        db.session.flush()
        for i in range(_n(1500)):
            resource = Resource(
                name=f"Interprètes {i:04d} {rng.choice(('Parole', 'Ponts', 'Lotus', 'Horizon'))}",
                kind="interpreting" if i % 4 else "legal",
                provider=f"Coopérative {i % 200}",
                description=_sentence(rng),
                coverage=rng.choice(("regions", "province", "remote")),
                telephone=True,
                status=ResourceStatus.PUBLISHED,
                organization_id=orgs[i % len(orgs)].id,
                created_by_id=staff.id,
            )
            resource.set_languages(rng.sample(codes, 2))
            served = [] if resource.coverage != "regions" else [regions[i % len(regions)].id]
            resource.set_regions(served)
            resource.search_text = search_text.resource_text(resource, [names[r] for r in served])
            db.session.add(resource)
        db.session.flush()
        for i in range(_n(5000)):
            when = now - timedelta(minutes=i * 7)
            practice = Practice(
                title=f"{_sentence(rng, 5)[:-1]} {i}",
                summary=_sentence(rng, 25),
                body="## Contexte\n" + " ".join(_sentence(rng) for _ in range(12)),
                audience="Intervenantes",
                organization_id=orgs[i % len(orgs)].id,
                region_id=orgs[i % len(orgs)].region_id,
                author_id=member.id,
                status=PracticeStatus.PUBLISHED,
                visibility=Visibility.ORGANIZATION if i % 10 == 0 else Visibility.NETWORK,
                published_at=when,
                created_at=when,
                updated_at=when,
            )
            db.session.add(practice)
            db.session.flush()
            search.index_practice(practice)
        for i in range(_n(300)):
            training = Training(title=_sentence(rng, 5)[:-1], description=_sentence(rng, 40),
                                audience="Intervenantes", trainer=f"Formatrice {i}",
                                published=i % 10 != 0)  # fmt: skip
            db.session.add(training)
            for k in (1, 2):
                starts = now + timedelta(days=i % 90 + k * 7)
                db.session.add(
                    TrainingSession(
                        training=training,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=3),
                        format=SessionFormat.ONLINE,
                        town="",
                        capacity=20,
                        registration_deadline=starts - timedelta(days=1),
                    )  # fmt: skip
                )
        statuses = (Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED)
        for i in range(_n(600)):
            status = statuses[i % len(statuses)]
            db.session.add(
                Position(
                    organization_id=orgs[i % len(orgs)].id,
                    author_id=member.id,
                    kind=Kind.BRIEF,
                    title=_sentence(rng, 6)[:-1],
                    summary=_sentence(rng, 20),
                    body=" ".join(_sentence(rng) for _ in range(20)),
                    status=status,
                    submitted_at=None if status == Status.DRAFT else now,
                    published_at=now - timedelta(days=i) if status == Status.PUBLISHED else None,
                )  # fmt: skip
            )
        db.session.flush()
        spaces = []
        for i in range(24):
            space = Space(kind=SpaceKind.THEME, name=f"Table {i}", created_by_id=staff.id,
                          visibility=SpaceVisibility.MEMBERS if i % 2
                          else SpaceVisibility.NETWORK)  # fmt: skip
            db.session.add(space)
            spaces.append(space)
        db.session.flush()
        for i, space in enumerate(spaces):
            db.session.add(SpaceMember(space_id=space.id, organization_id=orgs[(i * 7) % len(orgs)].id))
        posts_each = 10
        for i in range(_n(2000)):
            thread = Thread(space_id=spaces[i % len(spaces)].id, title=_sentence(rng, 7)[:-1],
                            author_id=member.id, last_post_at=now - timedelta(hours=i),
                            post_count=posts_each)  # fmt: skip
            db.session.add(thread)
            db.session.flush()
            db.session.add_all(
                Post(
                    thread_id=thread.id,
                    number=n + 1,
                    author_id=member.id,
                    body=" ".join(_sentence(rng) for _ in range(4)),
                )
                for n in range(posts_each)
            )
        for i in range(_n(400)):
            db.session.add(
                Proposal(
                    space_id=spaces[i % len(spaces)].id,
                    author_id=member.id,
                    title=_sentence(rng, 6)[:-1],
                    body=_sentence(rng, 30),
                    closes_at=now + timedelta(days=i % 20 - 10),
                    mode="organization",
                )  # fmt: skip
            )
        db.session.commit()
        if db.engine.dialect.name == "sqlite":
            db.session.execute(sa.text("ANALYZE"))
        else:
            db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        db.session.remove()
    return {"build_seconds": time.perf_counter() - started}


def _bench(label: str, uri: str, instance: str) -> None:
    rng = random.Random(20261207)
    app = bench_directory._make_app(uri, instance)
    info = _build(app, rng)
    print(f"BENCH search_{label}_build_seconds {info['build_seconds']:.1f} s", flush=True)
    with app.app_context():
        client = app.test_client()
        response = client.post("/connexion", data={"email": "membre@banc.example", "password": PASSWORD})
        assert response.status_code == 303, response.status_code
        everything = ["/recherche/?" + urlencode({"q": rng.choice(QUERIES)}) for _ in range(REQUESTS)]
        one_kind = [
            "/recherche/?"
            + urlencode({"q": rng.choice(QUERIES), "type": rng.choice(("threads", "advocacy", "trainings"))})
            for _ in range(REQUESTS)
        ]
        pids = (lambda: _backend_pids(app)) if label == "postgresql" else (lambda: [])
        for name, urls in (("global", everything), ("one_kind", one_kind)):
            rounds = sorted((_measure(client, urls, pids) for _ in range(ROUNDS)), key=lambda r: r[1])
            p50, p95, cpu95 = rounds[0]
            print(f"BENCH search_{label}_{name}_p50 {p50:.1f} ms", flush=True)
            print(f"BENCH search_{label}_{name}_p95 {p95:.1f} ms", flush=True)
            print(f"BENCH search_{label}_{name}_cpu_p95 {cpu95:.1f} ms", flush=True)
            print(f"BENCH search_{label}_{name}_p95_worst_round {rounds[-1][1]:.1f} ms", flush=True)
        heaviest = max(
            len(gzip.compress(client.get("/recherche/?" + urlencode({"q": q})).get_data(), compresslevel=6))
            for q in QUERIES
        )
        print(f"BENCH search_{label}_page_gzip_max {heaviest} bytes", flush=True)
    from intranet.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def run() -> None:
    folder = tempfile.mkdtemp(prefix="bench-search-")
    try:
        if "sqlite" in ENGINES:
            _bench("sqlite", f"sqlite:///{folder}/bench.db", folder)
        base = os.environ.get("BENCH_DATABASE_URL")
        if "postgresql" not in ENGINES:
            pass
        elif base:
            bench_directory.PG_DB = "bench_search"
            try:
                _bench("postgresql", bench_directory._postgres_url(base), folder)
            finally:
                bench_directory._drop_postgres(base)
        else:
            print("BENCH search_postgresql_skipped 1 (set BENCH_DATABASE_URL)", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    run()
