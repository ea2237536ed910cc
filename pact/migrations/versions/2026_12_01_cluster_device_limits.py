"""Remove a resident "and their address for a while": participants.address_banned_until, and an
index on address_hash so a join finds a barred address quickly (issue #11 M4).
"""
import sqlalchemy as sa
from alembic import op

revision = "cluster_device_limits"
down_revision = "mail_notifications"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_banned_until", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_participants_address_hash"), ["address_hash"], unique=False)


def downgrade():
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_address_hash"))
        batch_op.drop_column("address_banned_until")
