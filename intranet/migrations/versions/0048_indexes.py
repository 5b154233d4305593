"""Indexes and folded search columns for the searches (issue 18 and the header's search).

- ``directory_resource.created_by_id``: a member's own suggestions, listed under every resources
  page, were found by reading every resource.
- ``space_post.search_body``: each message's body folded (lower case, accents off), written with
  it by the model; the discussions' search matches it with a plain LIKE instead of folding every
  message at every search, served on PostgreSQL by a trigram index (``pg_trgm``). Existing
  messages are folded here.
- ``advocacy_position.search_text``: the same for an advocacy text's title, summary, body and
  addressee (one line each).

Revision ID: 0048_indexes
Revises: 0047_themes
"""

import sqlalchemy as sa
from alembic import op

from intranet.text import fold

# revision identifiers, used by Alembic.
revision = "0048_indexes"
down_revision = "0047_themes"
branch_labels = None
depends_on = None

POSTGRES_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_space_post_search_trgm ON space_post USING gin (search_body gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_advocacy_position_search_trgm ON advocacy_position "
    "USING gin (search_text gin_trgm_ops)",
)
POSTGRES_DROP = (
    "DROP INDEX IF EXISTS ix_advocacy_position_search_trgm",
    "DROP INDEX IF EXISTS ix_space_post_search_trgm",
)
BATCH = 500


def _fill(table: str, column: str, sources: tuple[str, ...]) -> None:
    """Write ``column`` of every row: its ``sources`` folded, one line each."""
    bind = op.get_bind()
    rows_of = sa.table(
        table, sa.column("id", sa.Integer), *(sa.column(c, sa.Text) for c in (*sources, column))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(rows_of.c.id, *(rows_of.c[c] for c in sources))
            .where(rows_of.c.id > last)
            .order_by(rows_of.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            sa.update(rows_of)
            .where(rows_of.c.id == sa.bindparam("b_id"))
            .values({column: sa.bindparam("b_folded")}),
            [{"b_id": row[0], "b_folded": fold("\n".join(v or "" for v in row[1:]))} for row in rows],
        )
        last = rows[-1][0]


def upgrade():
    with op.batch_alter_table("directory_resource", schema=None) as batch_op:
        batch_op.create_index("ix_directory_resource_created_by", ["created_by_id"], unique=False)
    with op.batch_alter_table("space_post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_body", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("advocacy_position", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    _fill("space_post", "search_body", ("body",))
    _fill("advocacy_position", "search_text", ("title", "summary", "body", "addressee"))
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_CREATE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DROP:
            op.execute(statement)
    with op.batch_alter_table("advocacy_position", schema=None) as batch_op:
        batch_op.drop_column("search_text")
    with op.batch_alter_table("space_post", schema=None) as batch_op:
        batch_op.drop_column("search_body")
    with op.batch_alter_table("directory_resource", schema=None) as batch_op:
        batch_op.drop_index("ix_directory_resource_created_by")
