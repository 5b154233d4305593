"""Migration 0047 maps the three old theme lists onto one, on the test's backend (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import sqlalchemy as sa

from tests.test_migrations import ROOT, _fresh_url


def _flask_db(url: str, tmp_path, *args: str) -> None:
    env = dict(os.environ, PASSERELLE_ENV="testing", DATABASE_URL=url, PASSERELLE_INSTANCE_PATH=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _insert(conn, table_name: str, **values) -> int:
    """A row with the values given and a plausible one for every other required column."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key and column.name == "id":
            continue
        try:
            kind = column.type.python_type
        except NotImplementedError:
            kind = str
        row[column.name] = {
            bool: False,
            int: 1,
            str: "x",
            dt.datetime: dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            dt.date: dt.date(2026, 1, 1),
            dict: {},
            list: [],
        }.get(kind, "x")
    result = conn.execute(table.insert().values(**row))
    return values.get("id") or result.inserted_primary_key[0]


def test_the_three_lists_become_one(app, database_url, tmp_path):
    url = _fresh_url(database_url, tmp_path)
    _flask_db(url, tmp_path, "upgrade", "0046_calm")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            region = _insert(conn, "region", name="Estrie", slug="estrie")
            org = _insert(
                conn, "organization", name="Maison A", region_id=region, sector="VIOLENCE", town="Sherbrooke"
            )
            practice = _insert(
                conn,
                "practice",
                organization_id=org,
                region_id=region,
                status="PUBLISHED",
                visibility="NETWORK",
                title="P",
            )
            training = _insert(conn, "training", title="T")
            position = _insert(
                conn, "advocacy_position", organization_id=org, kind="BRIEF", status="PUBLISHED", title="A"
            )
            for theme_id, fr, en in (
                (4, "Plan de sécurité", "Safety planning"),
                (7, "Tribunaux", "Courts"),
                (9, "Interprétariat", "Interpreting"),
            ):
                _insert(
                    conn, "practice_theme_list", id=theme_id, name_fr=fr, name_en=en, active=theme_id != 9
                )
            _insert(conn, "practice_theme", practice_id=practice, theme_id=4)
            _insert(conn, "practice_theme", practice_id=practice, theme_id=9)
            for theme_id, name in (
                (1, "Plan de securite"),
                (2, "Tribunaux et protection de la jeunesse"),
                (3, "Gestion du stress"),
            ):
                _insert(conn, "training_theme", id=theme_id, name=name, slug=f"t{theme_id}")
                _insert(conn, "training_theme_link", training_id=training, theme_id=theme_id)
            for key in ("courts", "funding", "intersectional"):
                _insert(conn, "advocacy_position_theme", position_id=position, theme=key)
        _flask_db(url, tmp_path, "upgrade", "0047_themes")
        with engine.connect() as conn:
            themes = {
                r.name_fr: r
                for r in conn.execute(sa.text("SELECT id, slug, name_fr, name_en, active FROM theme"))
            }

            def carried(table: str, owner: str, owner_id: int) -> set[str]:
                rows = conn.execute(
                    sa.text(
                        f"SELECT t.name_fr FROM {table} l JOIN theme t ON t.id = l.theme_id WHERE "
                        f"l.{owner} = :o"
                    ),
                    {"o": owner_id},
                )
                return {r.name_fr for r in rows}

            # Practice themes keep their ids (digest preferences and the search index refer to them).
            assert (themes["Plan de sécurité"].id, themes["Tribunaux"].id, themes["Interprétariat"].id) == (
                4,
                7,
                9,
            )
            assert not themes["Interprétariat"].active
            assert carried("practice_theme", "practice_id", practice) == {
                "Plan de sécurité",
                "Interprétariat",
            }
            # A training theme of the same meaning is the same theme; a double one becomes two; a new
            # one is added.
            assert carried("training_theme_link", "training_id", training) == {
                "Plan de sécurité",
                "Tribunaux",
                "Protection de la jeunesse",
                "Gestion du stress",
            }
            assert themes["Protection de la jeunesse"].name_en == "Youth protection"
            assert themes["Gestion du stress"].name_en == "Gestion du stress"  # for staff to translate
            # Advocacy keys become themes, with English names.
            assert carried("advocacy_position_theme", "position_id", position) == {
                "Tribunaux",
                "Protection de la jeunesse",
                "Financement des maisons",
                "Approche interculturelle",
                "Approche intersectionnelle",
            }
            assert themes["Financement des maisons"].name_en == "Funding of shelters"
            assert len({t.slug for t in themes.values()}) == len(themes) == 8
        # A theme added after the migration gets a fresh id (the id sequence follows the copied rows).
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO theme (slug, name_fr, name_en, active) VALUES ('n', 'Nouveau', 'New', true)"
                )
            )
            assert conn.execute(sa.text("SELECT id FROM theme WHERE slug = 'n'")).scalar() > max(
                t.id for t in themes.values()
            )
        _flask_db(url, tmp_path, "downgrade", "0046_calm")
        with engine.connect() as conn:
            keys = {r.theme for r in conn.execute(sa.text("SELECT theme FROM advocacy_position_theme"))}
            assert keys == {"courts", "funding", "intersectional"}
            assert (
                conn.execute(sa.text("SELECT count(*) FROM practice_theme WHERE theme_id IN (4, 9)")).scalar()
                == 2
            )
    finally:
        engine.dispose()
