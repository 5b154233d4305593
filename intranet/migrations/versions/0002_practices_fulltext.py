"""Good-practices library: full-text search DDL that autogenerate cannot produce.

SQLite: the FTS5 table ``practice_fts``. PostgreSQL: the ``unaccent`` extension, the
``passerelle_fr`` text search configuration, and the storage settings that keep the practice
heap narrow (long text out of line). The statements are the ones ``create_all`` ran
(``intranet.practices.search``) when this revision was written, copied here so that a later
change there cannot rewrite history: a change of the index is a new revision.

After upgrading an existing database, ``flask practices-reindex`` fills the index.

Revision ID: 0002_practices_fulltext
Revises: 0001_initial
"""

from alembic import op

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS practice_fts USING fts5(title, summary, body, extra, facets, "
    "tokenize = 'unicode61 remove_diacritics 2')",
)
SQLITE_DROP = ("DROP TABLE IF EXISTS practice_fts",)
POSTGRES_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'passerelle_fr') THEN
        CREATE TEXT SEARCH CONFIGURATION passerelle_fr (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION passerelle_fr
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END $$""",
)
POSTGRES_NARROW = (
    "ALTER TABLE practice SET (toast_tuple_target = 256)",
    "ALTER TABLE practice ALTER COLUMN body SET STORAGE EXTERNAL",
    "ALTER TABLE practice ALTER COLUMN search_vector SET STORAGE MAIN",
)
POSTGRES_DROP = ("DROP TEXT SEARCH CONFIGURATION IF EXISTS passerelle_fr",)

revision = "0002_practices_fulltext"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_CREATE:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_CREATE + POSTGRES_NARROW:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DROP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("ALTER TABLE practice RESET (toast_tuple_target)")
        for statement in POSTGRES_DROP:
            op.execute(statement)
