"""Calm notifications (issue 17): one notification per person, object and kind, counted; emails
about one object within a few minutes merged in the outbox.

``notification.object_key`` names the object a notification is about ("advocacy_position:3"), so
that a second event of the same kind on it counts in the same row (``count``), opening the object
marks it read, and a change of state retires what no longer holds. ``outbox_message.coalesce_key``
(person and object) lets a pending email absorb the next one of a burst (``coalesced`` events).
Rows written before have no key: they stay as they are.

Revision ID: 0046_calm
Revises: 0045_protocols
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0046_calm"
down_revision = "0045_protocols"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("object_key", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("count", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index("ix_notification_object", ["object_key", "kind"], unique=False)
        batch_op.create_index("ix_notification_user_object", ["user_id", "object_key"], unique=False)
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coalesce_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("coalesced", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index("ix_outbox_message_coalesce", ["coalesce_key", "status"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_coalesce")
        batch_op.drop_column("coalesced")
        batch_op.drop_column("coalesce_key")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_object")
        batch_op.drop_index("ix_notification_object")
        batch_op.drop_column("count")
        batch_op.drop_column("object_key")
