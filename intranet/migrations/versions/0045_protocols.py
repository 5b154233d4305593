"""Protocols of a space (issue 20) and the network's settings (the paper of briefs, issue 17).

Revision ID: 0045_protocols
Revises: 0044_meetings
"""

import sqlalchemy as sa
from alembic import op

import intranet.database

# revision identifiers, used by Alembic.
revision = "0045_protocols"
down_revision = "0044_meetings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "network_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_size", sa.String(length=10), nullable=False),
        sa.Column("updated_at", intranet.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"],
            name=op.f("fk_network_settings_updated_by_id_user_account"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_settings")),
    )
    op.create_table(
        "space_protocol",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("DRAFT", "OPEN", "ADOPTED", "ARCHIVED", name="protocolstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("version_count", sa.Integer(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("review_reminded_on", sa.Date(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", intranet.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", intranet.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("adopted_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("archived_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_space_protocol_author_id_user_account"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["space.id"], name=op.f("fk_space_protocol_space_id_space"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_protocol")),
    )
    with op.batch_alter_table("space_protocol", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_space_protocol_space_id"), ["space_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_space_protocol_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_space_protocol_review_on"), ["review_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_space_protocol_adopted_at"), ["adopted_at"], unique=False)

    op.create_table(
        "space_protocol_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", intranet.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"],
            name=op.f("fk_space_protocol_version_created_by_id_user_account"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["space_protocol.id"],
            name=op.f("fk_space_protocol_version_protocol_id_space_protocol"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_protocol_version")),
        sa.UniqueConstraint("protocol_id", "number", name=op.f("uq_space_protocol_version_protocol_id")),
    )
    with op.batch_alter_table("space_protocol_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_space_protocol_version_protocol_id"), ["protocol_id"], unique=False)

    op.create_table(
        "space_protocol_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", intranet.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"],
            name=op.f("fk_space_protocol_signature_organization_id_organization"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["space_protocol.id"],
            name=op.f("fk_space_protocol_signature_protocol_id_space_protocol"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["user_account.id"],
            name=op.f("fk_space_protocol_signature_signed_by_id_user_account"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_protocol_signature")),
        sa.UniqueConstraint(
            "protocol_id", "organization_id", name=op.f("uq_space_protocol_signature_protocol_id")
        ),
    )
    with op.batch_alter_table("space_protocol_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_space_protocol_signature_protocol_id"), ["protocol_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_space_protocol_signature_organization_id"), ["organization_id"], unique=False
        )


def downgrade():
    op.drop_table("space_protocol_signature")
    op.drop_table("space_protocol_version")
    op.drop_table("space_protocol")
    op.drop_table("network_settings")
