"""Indexes for the searches (issues 18 and 21, the header's search): a member's suggested
resources by their author.

Revision ID: 0048_indexes
Revises: 0046_calm
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0048_indexes"
down_revision = "0046_calm"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("directory_resource", schema=None) as batch_op:
        batch_op.create_index("ix_directory_resource_created_by", ["created_by_id"], unique=False)


def downgrade():
    with op.batch_alter_table("directory_resource", schema=None) as batch_op:
        batch_op.drop_index("ix_directory_resource_created_by")
