"""Good-practices library: full-text search DDL that autogenerate cannot produce.

SQLite: the FTS5 table ``practice_fts``. PostgreSQL: the ``unaccent`` extension, the
``passerelle_fr`` text search configuration, and the storage settings that keep the practice
heap narrow (long text out of line). The statements are the ones ``create_all`` runs
(``intranet.practices.search``), so a migrated database and a test database are the same.

After upgrading an existing database, ``flask practices-reindex`` fills the index.

Revision ID: 0002_practices_fulltext
Revises: 0001_initial
"""

from alembic import op

from intranet.practices.search import (
    POSTGRES_CREATE,
    POSTGRES_DROP,
    POSTGRES_NARROW,
    SQLITE_CREATE,
    SQLITE_DROP,
)

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
