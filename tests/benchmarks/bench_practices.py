"""Benchmark of the good-practices library: 100,000 practices and 20,000 comments.

Prints p50/p95 server time (Flask test client: session, query, template) of the list page, a
filtered list and a search, on SQLite (a temporary file) and, when BENCH_DATABASE_URL is set, on
PostgreSQL (a database ``bench_practices`` created beside it, dropped at the end).

    python -m tests.benchmarks.bench_practices      (or ``make bench``)

Environment: BENCH_DATABASE_URL, BENCH_PRACTICES_N (100000), BENCH_PRACTICES_COMMENTS (20000),
BENCH_PRACTICES_REQUESTS (80 per measure), BENCH_PRACTICES_ROUNDS (3),
BENCH_PRACTICES_ENGINES ("sqlite,postgresql": which engines to measure),
BENCH_PRACTICES_DB (``bench_practices``: the PostgreSQL database's name),
BENCH_PRACTICES_KEEP (1: keep the PostgreSQL database afterwards, to examine query plans on it),
BENCH_PRACTICES_REUSE (1: measure a kept PostgreSQL database as it is, without building it again),
BENCH_PRACTICES_SLOWEST (0: how many of the slowest requests of each round to print, as comments).

The machine is shared (other test suites, other benchmarks): each measure is taken in
ROUNDS rounds of REQUESTS requests and the round with the lowest p95 is reported, like
``timeit`` reports its best run; the spread between rounds is printed too. The ``cpu_p95`` lines
count CPU time only (this process's, and on PostgreSQL its server processes' too): the server
time without the waits for a core that other tenants cause, to compare changes on a busy machine.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

N = int(os.environ.get("BENCH_PRACTICES_N", "100000"))
COMMENTS = int(os.environ.get("BENCH_PRACTICES_COMMENTS", "20000"))
REQUESTS = int(os.environ.get("BENCH_PRACTICES_REQUESTS", "80"))
ROUNDS = int(os.environ.get("BENCH_PRACTICES_ROUNDS", "3"))
ENGINES = {e.strip() for e in os.environ.get("BENCH_PRACTICES_ENGINES", "sqlite,postgresql").split(",")}
PG_DB = (
    re.sub(r"[^a-z0-9_]", "", os.environ.get("BENCH_PRACTICES_DB", "bench_practices")) or "bench_practices"
)
KEEP = os.environ.get("BENCH_PRACTICES_KEEP") == "1"
REUSE = os.environ.get("BENCH_PRACTICES_REUSE") == "1"
SLOWEST = int(os.environ.get("BENCH_PRACTICES_SLOWEST", "0"))
PASSWORD = "une phrase de passe pour le banc d’essai"

THEMES = (
    ("Plan de sécurité", "Safety planning"),
    ("Violence conjugale post-séparation", "Post-separation violence"),
    ("Enfants exposés à la violence", "Children exposed to violence"),
    ("Interprétariat", "Interpreting"),
    ("Approche interculturelle", "Intercultural approach"),
    ("Approche intersectionnelle", "Intersectional approach"),
    ("Accès au logement", "Access to housing"),
    ("Statut d’immigration", "Immigration status"),
    ("Tribunaux", "Courts"),
    ("Protection de la jeunesse", "Youth protection"),
    ("Santé mentale", "Mental health"),
    ("Régions éloignées", "Remote regions"),
)
# Per theme: words that make titles and sentences about it.
TOPICS = (
    (
        "plan de sécurité",
        "scénarios de protection",
        "évaluation du danger",
        "contacts sûrs",
        "trajets sécuritaires",
    ),
    (
        "violence post-séparation",
        "échanges de garde",
        "harcèlement après la rupture",
        "contrôle coercitif",
        "homicide conjugal",
    ),
    (
        "enfants exposés",
        "ateliers mère-enfant",
        "jeux coopératifs",
        "intervenante jeunesse",
        "lien d’attachement",
    ),
    (
        "interprètes formées",
        "banque d’interprètes",
        "confidentialité",
        "langues parlées",
        "interprétariat téléphonique",
    ),
    (
        "approche interculturelle",
        "médiation culturelle",
        "cafés-rencontres",
        "organismes pont",
        "accueil des nouvelles arrivantes",
    ),
    (
        "analyse intersectionnelle",
        "discriminations croisées",
        "femmes racisées",
        "handicap",
        "grille des besoins",
    ),
    (
        "logements sociaux",
        "office d’habitation",
        "garantie de loyer",
        "recherche de logement",
        "hébergement transitoire",
    ),
    (
        "statut d’immigration",
        "parrainage rompu",
        "permis de travail",
        "demande d’asile",
        "clinique juridique",
    ),
    ("audiences au tribunal", "palais de justice", "témoignage", "ordonnance de protection", "procureure"),
    (
        "protection de la jeunesse",
        "rencontres tripartites",
        "signalement",
        "droits de garde",
        "suivi des enfants",
    ),
    ("santé mentale", "trauma complexe", "groupe de soutien", "anxiété", "soins psychologiques"),
    (
        "régions éloignées",
        "visioconférence sécurisée",
        "transport adapté",
        "longues distances",
        "réseau rural",
    ),
)
OPENERS = (
    "Nous avons mis en place {t} avec les partenaires de la région.",
    "L’équipe a constaté que {t} demandait une préparation commune.",
    "Les intervenantes accompagnent chaque femme pour {t}.",
    "Un protocole d’une page décrit {t} et les rôles de chacune.",
    "Après six mois, le bilan sur {t} montre des effets concrets.",
    "Les femmes hébergées nous ont dit que {t} changeait leur quotidien.",
    "Une rencontre mensuelle entre organismes porte sur {t}.",
    "La formation des nouvelles intervenantes inclut {t}.",
    "Nous adaptons {t} aux femmes qui ne parlent ni français ni anglais.",
    "Les enfants participent aussi lorsque {t} les concerne.",
    "La maison d’hébergement et l’organisme pont partagent leurs outils sur {t}.",
    "Ce qui a aidé : du temps, de la régularité et {t}.",
)
AUDIENCES = (
    "Intervenantes et intervenants",
    "Équipes d’accueil",
    "Intervenantes jeunesse",
    "Interprètes",
    "Coordinations",
)
SEARCHES = (
    "hébergement",
    "hebergement transitoire",
    "interprètes",
    "interprete",
    "plan de sécurité",
    "logement social",
    "tribunal",
    "enfants exposés",
    "statut d'immigration",
    "protection de la jeunesse",
    "violence post-séparation",
    "intervenantes",
    "approche interculturelle",
    "santé mentale",
    "garde des enfants",
    "visioconférence",
    "confidentialité",
    "parrainage",
    "trauma",
    "cafés-rencontres",
    "garantie de loyer",
    "femmes racisées",
    "ordonnance",
    "asile",
    "region eloignee",
    "heb",
    "interpr",
)


def _postgres_url(base: str) -> tuple[str, bool]:
    """The benchmark database's URL, and whether it is a kept one to measure as it is."""
    base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
    url = sa.engine.make_url(base)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_DB})
        reuse = bool(REUSE and exists)
        if not reuse:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{PG_DB}"'))
    admin.dispose()
    return url.set(database=PG_DB).render_as_string(hide_password=False), reuse


def _drop_postgres(base: str) -> None:
    base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
    admin = sa.create_engine(sa.engine.make_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
    admin.dispose()


def _existing(app, rng: random.Random) -> tuple[str, dict]:
    """A kept database (BENCH_PRACTICES_REUSE): the same member and ids as ``_build`` gives, and
    the same draws from ``rng``, so that the requests are the same as after a build."""
    from intranet.accounts.models import Organization, Region, User
    from intranet.extensions import db

    with app.app_context():
        region_ids = list(db.session.scalars(sa.select(Region.id).order_by(Region.id)))
        orgs = [
            tuple(row)
            for row in db.session.execute(
                sa.select(Organization.id, Organization.region_id).order_by(Organization.id)
            )
        ]
        authors: dict[int, list[int]] = {}
        for user_id, org_id in db.session.execute(sa.select(User.id, User.organization_id).order_by(User.id)):
            authors.setdefault(org_id, []).append(user_id)
        db.session.remove()
    _practice_rows(rng, N, orgs, authors)
    for _ in range(COMMENTS):
        rng.randrange(1, N + 1)
        rng.randrange(300)
    return "personne0@banc.example", {"build_seconds": 0.0, "regions": region_ids}


def _make_app(uri: str, instance: str):
    from intranet import create_app

    return create_app(
        {
            "PASSERELLE_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": uri,
            "INSTANCE_PATH": instance,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "WTF_CSRF_ENABLED": False,
        }
    )


def _practice_rows(rng: random.Random, n: int, orgs: list[tuple[int, int]], authors: dict[int, list[int]]):
    """Rows for the practice table, plus each practice's themes, approaches and sectors."""
    now = datetime.now(UTC)
    rows, themes, approaches, sectors = [], [], [], []
    for pid in range(1, n + 1):
        org_id, region_id = orgs[rng.randrange(len(orgs))]
        main = rng.randrange(len(TOPICS))
        topic = TOPICS[main]
        extra = rng.randrange(len(TOPICS))
        words = list(topic) + [rng.choice(TOPICS[extra])]
        title = (
            f"{rng.choice(topic).capitalize()} : {rng.choice(words)} en "
            f"{rng.choice(('maison', 'région', 'équipe', 'réseau'))}"
        )
        summary = " ".join(rng.choice(OPENERS).format(t=rng.choice(words)) for _ in range(2))
        body = "\n\n".join(
            f"## {heading}\n" + " ".join(rng.choice(OPENERS).format(t=rng.choice(words)) for _ in range(4))
            for heading in ("Contexte", "Mise en œuvre", "Ce que nous retenons")
        )
        roll = rng.random()
        status = "published" if roll < 0.9 else ("draft" if roll < 0.95 else "archived")
        visibility = "organization" if rng.random() < 0.1 else "network"
        when = now - timedelta(minutes=(n - pid) * 7 + rng.randrange(5))
        rows.append(
            {
                "id": pid,
                "title": title[:200],
                "summary": summary[:600],
                "body": body,
                "audience": rng.choice(AUDIENCES),
                "region_id": region_id,
                "organization_id": org_id,
                "author_id": rng.choice(authors[org_id]),
                "status": status,
                "visibility": visibility,
                "version": 1,
                "created_at": when,
                "updated_at": when,
                "published_at": when if status == "published" else None,
                "helpful_count": rng.randrange(6),
                "comment_count": 0,
            }
        )
        chosen = {main + 1, extra + 1}
        themes += [{"theme_id": t, "practice_id": pid} for t in chosen]
        approaches += [
            {"approach": a, "practice_id": pid}
            for a in rng.sample(("feminist", "intercultural", "intersectional"), rng.randrange(1, 3))
        ]
        sectors += [
            {"sector": s, "practice_id": pid}
            for s in rng.sample(("shelter", "violence", "immigration"), rng.randrange(1, 3))
        ]
    return rows, themes, approaches, sectors


def _build(app, rng: random.Random) -> tuple[str, dict]:
    """Fills the database; returns a member's email and the ids the requests use."""
    from intranet.accounts.models import Organization, Role, Sector, User
    from intranet.accounts.passwords import hash_password
    from intranet.demo import ensure_regions
    from intranet.extensions import db
    from intranet.practices import search
    from intranet.practices.models import Practice, PracticeComment
    from intranet.themes.models import Theme

    with app.app_context():
        db.drop_all()
        db.create_all()
        regions = list(ensure_regions().values())
        region_ids = [r.id for r in regions]
        password_hash = hash_password(PASSWORD)
        org_objs = []
        for i in range(60):
            sector = (Sector.SHELTER, Sector.VIOLENCE, Sector.IMMIGRATION)[i % 3]
            region = regions[i % len(regions)]
            org_objs.append(
                Organization(
                    name=f"Organisme {i:02d} {region.name}", sector=sector, region=region, town="Ville"
                )
            )
        db.session.add_all(org_objs)
        db.session.add_all(
            Theme(name_fr=fr, name_en=en, slug=f"theme-{i}") for i, (fr, en) in enumerate(THEMES)
        )
        db.session.flush()
        users = []
        for i in range(300):
            org = org_objs[i % 60]
            users.append(
                User(
                    email=f"personne{i}@banc.example",
                    name=f"Personne {i}",
                    role=Role.MEMBER,
                    organization_id=org.id,
                    password_hash=password_hash,
                )
            )
        db.session.add_all(users)
        db.session.commit()
        orgs = [(o.id, o.region_id) for o in org_objs]
        org_names = {o.id: (o.name, o.region.name) for o in org_objs}
        authors: dict[int, list[int]] = {}
        for u in users:
            authors.setdefault(u.organization_id, []).append(u.id)
        user_ids = [u.id for u in users]
        # From here the build writes through one connection only: the session holds none (a read
        # transaction it kept open, or a second connection, met SQLite's lock on a loaded machine).
        db.session.close()
        started = time.perf_counter()
        rows, themes, approaches, sectors = _practice_rows(rng, N, orgs, authors)
        cache: dict[str, str] = {}

        def norm(text: str) -> str:
            # Bodies and summaries are made of a few hundred sentences: normalise each once.
            out = []
            for part in text.split(". "):
                if part not in cache:
                    cache[part] = search.normalized(part)
                out.append(cache[part])
            return " ".join(out)

        for r in rows:  # what search.index_practice stores for ranking
            r["search_words"] = (
                (norm(r["title"]) + "\n" + norm(r["summary"])) if r["status"] == "published" else None
            )
        engine = db.engine
        from intranet.practices.models import practice_approach, practice_sector, practice_theme

        is_pg = engine.dialect.name == "postgresql"
        conn = engine.connect()
        with conn.begin():
            if is_pg:  # the GIN index is built once, after the vectors
                conn.exec_driver_sql("DROP INDEX ix_practice_search_vector")
            for start in range(0, len(rows), 5000):
                conn.execute(Practice.__table__.insert(), rows[start : start + 5000])
            conn.execute(practice_theme.insert(), themes)
            conn.execute(practice_approach.insert(), approaches)
            conn.execute(practice_sector.insert(), sectors)
            comment_rows = []
            for i in range(COMMENTS):
                pid = rng.randrange(1, N + 1)
                comment_rows.append(
                    {
                        "practice_id": pid,
                        "author_id": user_ids[rng.randrange(300)],
                        "body": "Merci pour ce partage, nous allons l’essayer dans notre équipe.",
                        "created_at": datetime.now(UTC) - timedelta(minutes=i),
                    }
                )
            conn.execute(PracticeComment.__table__.insert(), comment_rows)
            conn.exec_driver_sql(
                "UPDATE practice SET comment_count = (SELECT count(*) FROM practice_comment c WHERE "
                "c.practice_id = practice.id)"
            )
        theme_names = {i + 1: fr + " " + en for i, (fr, en) in enumerate(THEMES)}
        by_practice: dict[int, list[int]] = {}
        for t in themes:
            by_practice.setdefault(t["practice_id"], []).append(t["theme_id"])
        tags: dict[int, list[str]] = {}
        for a in approaches:
            tags.setdefault(a["practice_id"], []).append("a" + a["approach"])
        for s in sectors:
            tags.setdefault(s["practice_id"], []).append("s" + s["sector"])
        with conn.begin():
            if is_pg:
                # The same weighting as search.index_practice, for every published practice at
                # once, and the same facet lexemes as search.pg_facets.
                cfg, f = search.TS_CONFIG, search.PG_FACET
                conn.exec_driver_sql(
                    f"""UPDATE practice p SET search_vector =
                    setweight(to_tsvector('{cfg}', p.title), 'A') ||
                    setweight(to_tsvector('{cfg}', p.summary), 'B') ||
                    setweight(to_tsvector('{cfg}', coalesce(
                        (SELECT string_agg(t.name_fr || ' ' || t.name_en, ' ')
                        FROM practice_theme pt JOIN theme t ON t.id = pt.theme_id
                        WHERE pt.practice_id = p.id), '')
                        || ' ' || p.audience || ' ' || o.name || ' ' || r.name), 'B') ||
                    setweight(to_tsvector('{cfg}', p.body), 'C') ||
                    array_to_tsvector(ARRAY['{f}o' || p.organization_id]
                        || CASE WHEN p.visibility = 'NETWORK' THEN ARRAY['{f}vnetwork']
                            ELSE '{{}}'::text[] END
                        || CASE WHEN p.region_id IS NOT NULL THEN ARRAY['{f}r' || p.region_id]
                            ELSE '{{}}'::text[] END
                        || ARRAY(SELECT '{f}t' || theme_id FROM practice_theme WHERE practice_id = p.id)
                        || ARRAY(SELECT '{f}a' || approach FROM practice_approach WHERE practice_id = p.id)
                        || ARRAY(SELECT '{f}s' || sector FROM practice_sector WHERE practice_id = p.id))
                    FROM organization o JOIN region r ON r.id = o.region_id
                    WHERE o.id = p.organization_id AND p.status = 'PUBLISHED'"""
                )
                conn.exec_driver_sql(
                    "CREATE INDEX ix_practice_search_vector ON practice USING gin (search_vector)"
                )
            else:
                fts = []
                for r in rows:
                    if r["status"] != "published":
                        continue
                    org_name, region_name = org_names[r["organization_id"]]
                    extra = (
                        " ".join(theme_names[t] for t in by_practice[r["id"]])
                        + f" {r['audience']} {org_name} {region_name}"
                    )
                    # The same filter tokens as search.facets().
                    facets = [f"o{r['organization_id']}", f"r{r['region_id']}"]
                    facets += ["vnetwork"] if r["visibility"] == "network" else []
                    facets += [f"t{t}" for t in by_practice[r["id"]]] + tags.get(r["id"], [])
                    fts.append(
                        (
                            r["id"],
                            norm(r["title"]),
                            norm(r["summary"]),
                            norm(r["body"]),
                            search.normalized(extra),
                            " ".join(search.FTS_FACET + f for f in facets),
                        )
                    )
                conn.exec_driver_sql(
                    "INSERT INTO practice_fts(rowid, title, summary, body, extra, facets) VALUES (?, ?, ?, "
                    "?, ?, ?)",
                    fts,
                )
                conn.exec_driver_sql("INSERT INTO practice_fts(practice_fts) VALUES ('optimize')")
                conn.exec_driver_sql("ANALYZE")
        conn.close()
        if is_pg:
            # The bulk UPDATE of the vectors left a dead copy of every row: compact the table as a
            # maintained database would be (nothing may hold a snapshot meanwhile).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM FULL ANALYZE practice")
                conn.exec_driver_sql("VACUUM ANALYZE")
        build = time.perf_counter() - started
        return "personne0@banc.example", {"build_seconds": build, "regions": region_ids}


def _backend_pids(app) -> list[int]:
    """The PostgreSQL server processes serving the benchmark's connections (this machine's)."""
    from intranet.extensions import db

    with db.engine.connect() as conn:
        return list(
            conn.scalars(
                sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                    "pg_backend_pid()"
                )
            )
        )


def _cpu_ms(pids: list[int]) -> float:
    """CPU time of this process and of the given local processes (/proc/<pid>/schedstat), in ms."""
    total = time.process_time() * 1000
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as f:
                total += int(f.read().split()[0]) / 1e6
        except (OSError, ValueError, IndexError):
            pass
    return total


def _measure(client, urls: list[str], pids=lambda: []) -> tuple[float, float, float]:
    """p50 and p95 wall time, and p95 of CPU time: this process's (SQLite runs in it) plus, on
    PostgreSQL, its server processes' on this machine: the server time without the waits that
    other tenants of the machine cause."""
    for url in urls[:5]:
        client.get(url)
    backends = pids()
    times, cpu = [], []
    for url in urls:
        start, start_cpu = time.perf_counter(), _cpu_ms(backends)
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append(_cpu_ms(backends) - start_cpu)
        assert response.status_code == 200, (url, response.status_code)
    if SLOWEST:
        slow = sorted(zip(times, urls, strict=True), reverse=True)[:SLOWEST]
        print("# slowest: " + ", ".join(f"{t:.0f} ms {u}" for t, u in slow), flush=True)
    times.sort()
    cpu.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], cpu[int(len(cpu) * 0.95) - 1]


def _bench(label: str, uri: str, instance: str, reuse: bool = False) -> None:
    rng = random.Random(20261126)
    app = _make_app(uri, instance)
    email, info = _existing(app, rng) if reuse else _build(app, rng)
    print(f"BENCH practices_{label}_build_seconds {info['build_seconds']:.1f} s", flush=True)
    with app.app_context():
        client = app.test_client()
        response = client.post("/connexion", data={"email": email, "password": PASSWORD})
        assert response.status_code == 303, response.status_code
        from urllib.parse import urlencode

        lists = [f"/pratiques/?page={rng.randint(1, 5)}" for _ in range(REQUESTS)]
        filtered = []
        for _ in range(REQUESTS):
            params = rng.choice(
                (
                    {"theme": rng.randint(1, 12)},
                    {"theme": rng.randint(1, 12), "region": rng.choice(info["regions"])},
                    {
                        "approach": rng.choice(("feminist", "intercultural", "intersectional")),
                        "sector": "immigration",
                    },
                    {"org": rng.randint(1, 60)},
                    {"region": rng.choice(info["regions"]), "sector": "shelter"},
                )
            )
            filtered.append("/pratiques/?" + urlencode(params))
        searches = []
        for _ in range(REQUESTS):
            params = {"q": rng.choice(SEARCHES)}
            if rng.random() < 0.3:
                params["theme"] = rng.randint(1, 12)
            searches.append("/pratiques/?" + urlencode(params))
        for name, urls in (("list", lists), ("filtered_list", filtered), ("search", searches)):
            pids = (lambda: _backend_pids(app)) if label == "postgresql" else (lambda: [])
            rounds = sorted((_measure(client, urls, pids) for _ in range(ROUNDS)), key=lambda r: r[1])
            p50, p95, cpu95 = rounds[0]
            print(f"BENCH practices_{label}_{name}_p50 {p50:.1f} ms", flush=True)
            print(f"BENCH practices_{label}_{name}_p95 {p95:.1f} ms", flush=True)
            print(f"BENCH practices_{label}_{name}_cpu_p95 {cpu95:.1f} ms", flush=True)
            print(f"BENCH practices_{label}_{name}_p95_worst_round {rounds[-1][1]:.1f} ms", flush=True)
    from intranet.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def run() -> None:
    folder = tempfile.mkdtemp(prefix="bench-practices-")
    try:
        if "sqlite" in ENGINES:
            _bench("sqlite", f"sqlite:///{folder}/bench.db", folder)
        base = os.environ.get("BENCH_DATABASE_URL")
        if "postgresql" not in ENGINES:
            pass
        elif base:
            try:
                uri, reuse = _postgres_url(base)
                _bench("postgresql", uri, folder, reuse)
            finally:
                if not KEEP:
                    _drop_postgres(base)
        else:
            print("BENCH practices_postgresql_skipped 1 (set BENCH_DATABASE_URL)", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    run()
