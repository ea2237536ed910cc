"""Hybrid meetings: people in the hall, its show of hands per issue, issues raised from the floor.

Revision ID: hybrid_room_counts
Revises: cluster_device_limits
Created: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "hybrid_room_counts"
down_revision = "cluster_device_limits"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("room_size", sa.Integer(), nullable=True))
    with op.batch_alter_table("issues") as batch:
        batch.add_column(sa.Column("raised_in_room", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("in_room_support", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("in_room_votes", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("issues") as batch:
        batch.drop_column("in_room_votes")
        batch.drop_column("in_room_support")
        batch.drop_column("raised_in_room")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("room_size")
