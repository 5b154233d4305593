"""One taxonomy of themes (issue 17): practices, trainings and advocacy texts share the table ``theme``.

Before, there were three lists: the practices' managed list (``practice_theme_list``, French and
English names), the trainings' (``training_theme``, French only) and the advocacy texts' nine fixed
keys (``advocacy_position_theme.theme``). This migration:

- keeps every practice theme with its id (practices, their search index and the members' digest
  preferences refer to these ids), under ``theme``;
- maps each training theme and each advocacy key to the themes of the same meaning (by French name,
  ignoring case and accents, and by the mapping below: "Tribunaux et protection de la jeunesse"
  becomes the two themes "Tribunaux" and "Protection de la jeunesse"), adding a theme where none
  exists (a training theme nobody mapped keeps its French name in both languages, for staff to
  translate on the themes page);
- rewrites the three link tables to point at ``theme``.

The mapping is written out here, not imported from the application, so that later edits of the
code never change what this migration did.

Revision ID: 0047_themes
Revises: 0046_calm
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0047_themes"
down_revision = "0046_calm"
branch_labels = None
depends_on = None

# The network's themes as of this migration (French, English).
CANONICAL = (
    ("Plan de sécurité", "Safety planning"),
    ("Violence conjugale post-séparation", "Post-separation intimate partner violence"),
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
    ("Financement des maisons", "Funding of shelters"),
)

# Training themes whose names differ from the practices' (folded names -> canonical French names).
TRAINING_SYNONYMS = {
    "violence post-separation": ("Violence conjugale post-séparation",),
    "tribunaux et protection de la jeunesse": ("Tribunaux", "Protection de la jeunesse"),
}

# The advocacy texts' fixed keys -> canonical French names.
ADVOCACY_KEYS = {
    "safety_planning": ("Plan de sécurité",),
    "post_separation": ("Violence conjugale post-séparation",),
    "children": ("Enfants exposés à la violence",),
    "interpreting": ("Interprétariat",),
    "intersectional": ("Approche interculturelle", "Approche intersectionnelle"),
    "housing": ("Accès au logement",),
    "immigration_status": ("Statut d’immigration",),
    "courts": ("Tribunaux", "Protection de la jeunesse"),
    "funding": ("Financement des maisons",),
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'").casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(text)).strip("-")[:110] or "theme"


ENGLISH = {_fold(fr): en for fr, en in CANONICAL}


class _Themes:
    """The new list as it is being built: find a theme by meaning, or add it."""

    def __init__(self) -> None:
        self.rows: dict[int, dict] = {}
        self.by_name: dict[str, int] = {}
        self.slugs: set[str] = set()

    def keep(self, row) -> None:
        self._add(row.id, row.name_fr, row.name_en, bool(row.active))

    def _add(self, theme_id: int, name_fr: str, name_en: str, active: bool) -> int:
        slug, n = _slug(name_fr), 2
        while slug in self.slugs:
            slug, n = f"{_slug(name_fr)}-{n}", n + 1
        self.slugs.add(slug)
        self.rows[theme_id] = {"id": theme_id, "slug": slug, "name_fr": name_fr, "name_en": name_en, "active": active}
        self.by_name.setdefault(_fold(name_fr), theme_id)
        return theme_id

    def find_or_add(self, name_fr: str) -> int:
        found = self.by_name.get(_fold(name_fr))
        if found is not None:
            return found
        new_id = max(self.rows, default=0) + 1
        return self._add(new_id, name_fr, ENGLISH.get(_fold(name_fr), name_fr), True)

    def for_training(self, name: str) -> list[int]:
        if _fold(name) in self.by_name:
            return [self.by_name[_fold(name)]]
        return [self.find_or_add(n) for n in TRAINING_SYNONYMS.get(_fold(name), (name,))]

    def for_advocacy(self, key: str) -> list[int]:
        return [self.find_or_add(n) for n in ADVOCACY_KEYS.get(key, (key.replace("_", " ").capitalize(),))]


def _create_theme_table() -> None:
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("name_fr", name=op.f("uq_theme_name_fr")),
        sa.UniqueConstraint("slug", name=op.f("uq_theme_slug")),
    )


def _create_links(target: str = "theme") -> None:
    op.create_table(
        "practice_theme",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["practice_id"], ["practice.id"], name=op.f("fk_practice_theme_practice_id_practice"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], [f"{target}.id"], name=op.f(f"fk_practice_theme_theme_id_{target}"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("theme_id", "practice_id", name=op.f("pk_practice_theme")),
    )
    op.create_index("ix_practice_theme_practice", "practice_theme", ["practice_id"], unique=False)
    op.create_table(
        "training_theme_link",
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["theme_id"], [f"{target}.id"], name=op.f(f"fk_training_theme_link_theme_id_{target}"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["training_id"], ["training.id"], name=op.f("fk_training_theme_link_training_id_training"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("training_id", "theme_id", name=op.f("pk_training_theme_link")),
    )


def _fix_sequence(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            )
        )


def upgrade():
    bind = op.get_bind()
    practice_themes = bind.execute(sa.text("SELECT id, name_fr, name_en, active FROM practice_theme_list ORDER BY id")).all()
    practice_links = bind.execute(sa.text("SELECT practice_id, theme_id FROM practice_theme")).all()
    training_themes = bind.execute(sa.text("SELECT id, name FROM training_theme ORDER BY id")).all()
    training_links = bind.execute(sa.text("SELECT training_id, theme_id FROM training_theme_link")).all()
    advocacy_links = bind.execute(sa.text("SELECT position_id, theme FROM advocacy_position_theme")).all()

    themes = _Themes()
    for row in practice_themes:
        themes.keep(row)
    training_map = {row.id: themes.for_training(row.name) for row in training_themes}
    advocacy_map = {key: themes.for_advocacy(key) for key in sorted({row.theme for row in advocacy_links})}

    op.drop_table("practice_theme")
    op.drop_table("training_theme_link")
    op.drop_table("advocacy_position_theme")
    op.drop_table("practice_theme_list")
    op.drop_table("training_theme")

    _create_theme_table()
    _create_links("theme")
    op.create_table(
        "advocacy_position_theme",
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["position_id"], ["advocacy_position.id"], name=op.f("fk_advocacy_position_theme_position_id_advocacy_position"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_advocacy_position_theme_theme_id_theme"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("position_id", "theme_id", name=op.f("pk_advocacy_position_theme")),
    )
    op.create_index("ix_advocacy_position_theme_theme", "advocacy_position_theme", ["theme_id"], unique=False)

    meta = sa.MetaData()
    theme = sa.Table("theme", meta, autoload_with=bind)
    if themes.rows:
        bind.execute(theme.insert(), [themes.rows[i] for i in sorted(themes.rows)])
    _fix_sequence("theme")
    links = {
        "practice_theme": {(r.practice_id, r.theme_id) for r in practice_links},
        "training_theme_link": {(r.training_id, t) for r in training_links for t in training_map.get(r.theme_id, ())},
        "advocacy_position_theme": {(r.position_id, t) for r in advocacy_links for t in advocacy_map[r.theme]},
    }
    owners = {"practice_theme": "practice_id", "training_theme_link": "training_id", "advocacy_position_theme": "position_id"}
    for table_name, pairs in links.items():
        if pairs:
            table = sa.Table(table_name, meta, autoload_with=bind)
            bind.execute(table.insert(), [{owners[table_name]: o, "theme_id": t} for o, t in sorted(pairs)])


def downgrade():
    """Back to three lists: every theme stays a practice theme (same ids); trainings keep the
    themes they carry; an advocacy text keeps the keys whose themes it carries."""
    bind = op.get_bind()
    themes = bind.execute(sa.text("SELECT id, slug, name_fr, name_en, active FROM theme ORDER BY id")).all()
    practice_links = bind.execute(sa.text("SELECT practice_id, theme_id FROM practice_theme")).all()
    training_links = bind.execute(sa.text("SELECT training_id, theme_id FROM training_theme_link")).all()
    advocacy_links = bind.execute(sa.text("SELECT position_id, theme_id FROM advocacy_position_theme")).all()
    names = {t.id: _fold(t.name_fr) for t in themes}

    op.drop_table("advocacy_position_theme")
    op.drop_table("practice_theme")
    op.drop_table("training_theme_link")
    op.drop_table("theme")
    op.create_table(
        "practice_theme_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_theme_list")),
        sa.UniqueConstraint("name_fr", name=op.f("uq_practice_theme_list_name_fr")),
    )
    op.create_table(
        "training_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_theme")),
        sa.UniqueConstraint("name", name=op.f("uq_training_theme_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_training_theme_slug")),
    )
    op.create_table(
        "advocacy_position_theme",
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["position_id"], ["advocacy_position.id"], name=op.f("fk_advocacy_position_theme_position_id_advocacy_position"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("position_id", "theme", name=op.f("pk_advocacy_position_theme")),
    )
    op.create_index("ix_advocacy_position_theme_theme", "advocacy_position_theme", ["theme"], unique=False)
    _create_links_old()

    meta = sa.MetaData()
    tables = {name: sa.Table(name, meta, autoload_with=bind) for name in (
        "practice_theme_list", "training_theme", "practice_theme", "training_theme_link", "advocacy_position_theme")}
    if themes:
        bind.execute(tables["practice_theme_list"].insert(), [
            {"id": t.id, "name_fr": t.name_fr, "name_en": t.name_en, "active": t.active} for t in themes])
    used = sorted({r.theme_id for r in training_links})
    if used:
        by_id = {t.id: t for t in themes}
        bind.execute(tables["training_theme"].insert(), [
            {"id": i, "name": by_id[i].name_fr, "slug": by_id[i].slug} for i in used])
    for name, rows, owner in (("practice_theme", practice_links, "practice_id"), ("training_theme_link", training_links, "training_id")):
        if rows:
            bind.execute(tables[name].insert(), [{owner: r[0], "theme_id": r[1]} for r in rows])
    carried: dict[int, set[str]] = {}
    for r in advocacy_links:
        carried.setdefault(r.position_id, set()).add(names.get(r.theme_id, ""))
    keys = [
        {"position_id": pid, "theme": key}
        for pid, held in sorted(carried.items())
        for key, wanted in ADVOCACY_KEYS.items()
        if {_fold(n) for n in wanted} & held
    ]
    if keys:
        bind.execute(tables["advocacy_position_theme"].insert(), keys)
    _fix_sequence("practice_theme_list")
    _fix_sequence("training_theme")


def _create_links_old() -> None:
    op.create_table(
        "practice_theme",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["practice_id"], ["practice.id"], name=op.f("fk_practice_theme_practice_id_practice"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["practice_theme_list.id"], name=op.f("fk_practice_theme_theme_id_practice_theme_list"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("theme_id", "practice_id", name=op.f("pk_practice_theme")),
    )
    op.create_index("ix_practice_theme_practice", "practice_theme", ["practice_id"], unique=False)
    op.create_table(
        "training_theme_link",
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["theme_id"], ["training_theme.id"], name=op.f("fk_training_theme_link_theme_id_training_theme"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["training_id"], ["training.id"], name=op.f("fk_training_theme_link_training_id_training"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("training_id", "theme_id", name=op.f("pk_training_theme_link")),
    )
