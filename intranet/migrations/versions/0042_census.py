"""Network censuses (issue 21): campaigns, questions, responses, figures, closed sums, settings.

Revision ID: 0042_census
Revises: 0041_decisions
"""

import sqlalchemy as sa
from alembic import op

import intranet.database

revision = "0042_census"
down_revision = "0041_decisions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "census_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("period", sa.Enum("DAY", "QUARTER", "YEAR", name="period", native_enum=False, length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Enum("DRAFT", "OPEN", "CLOSED", name="campaignstatus", native_enum=False, length=10), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("region_ids", sa.JSON(), nullable=False),
        sa.Column("highlights_question", sa.String(length=500), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("copied_from_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", intranet.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("highlights_published_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["copied_from_id"], ["census_campaign.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("census_campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_census_campaign_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_census_campaign_status"), ["status"], unique=False)

    op.create_table(
        "census_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("min_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", intranet.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "census_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("breakdown", sa.String(length=20), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["census_campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["census_question.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "key", name="uq_census_question_key"),
    )
    with op.batch_alter_table("census_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_census_question_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "census_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("PENDING", "DRAFT", "SUBMITTED", name="responsestatus", native_enum=False, length=10), nullable=False),
        sa.Column("highlights", sa.Text(), nullable=False),
        sa.Column("highlights_published", sa.Boolean(), nullable=False),
        sa.Column("updated_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", intranet.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["census_campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"]),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "organization_id", name="uq_census_response_org"),
    )
    with op.batch_alter_table("census_response", schema=None) as batch_op:
        batch_op.create_index("ix_census_response_campaign_status", ["campaign_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_census_response_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "census_value",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["census_question.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["response_id"], ["census_response.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", "question_id", "category"),
    )
    with op.batch_alter_table("census_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_census_value_question_id"), ["question_id"], unique=False)

    op.create_table(
        "census_total",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("positive", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["census_campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["census_question.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "question_id", "region_id", "category"),
    )


def downgrade():
    op.drop_table("census_total")
    op.drop_table("census_value")
    op.drop_table("census_response")
    op.drop_table("census_question")
    op.drop_table("census_settings")
    op.drop_table("census_campaign")
