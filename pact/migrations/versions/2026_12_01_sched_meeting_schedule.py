"""Meetings scheduled from the web: end, description, venue, stream, dial-in, cancellation, calendar sequence.

Revision ID: sched_meeting_schedule
Revises: auth_session_last_seen
"""
import sqlalchemy as sa
from alembic import op

revision = "sched_meeting_schedule"
down_revision = "auth_session_last_seen"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ends_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("venue", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("stream_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("dial_in", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_check_constraint("ends_after_start", "ends_at IS NULL OR ends_at > starts_at")


def downgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint("ck_meetings_ends_after_start", type_="check")
        for column in ("sequence", "updated_at", "cancelled_at", "cancel_reason", "dial_in", "stream_url", "venue",
                       "description", "ends_at"):
            batch_op.drop_column(column)
