"""The guard's record of confirmed findings (kinds only, never the text).

Revision ID: 0003_guard
Revises: 0002_practices_fulltext
"""

import sqlalchemy as sa
from alembic import op

import intranet.database

revision = "0003_guard"
down_revision = "0002_practices_fulltext"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guard_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", intranet.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("object_type", sa.String(length=60), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.String(length=200), nullable=False),
        sa.Column("reviewed_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guard_confirmation") as batch:
        batch.create_index("ix_guard_confirmation_created_at", ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("guard_confirmation") as batch:
        batch.drop_index("ix_guard_confirmation_created_at")
    op.drop_table("guard_confirmation")
