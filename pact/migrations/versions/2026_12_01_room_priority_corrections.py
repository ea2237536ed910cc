"""Priorities are corrected after the meeting: when last corrected, and each correction with before and after.

Revision ID: room_priority_corrections
Revises: sched_meeting_schedule
"""
import sqlalchemy as sa
from alembic import op

revision = "room_priority_corrections"
down_revision = "sched_meeting_schedule"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    op.create_table(
        "priority_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("by_name", sa.String(length=80), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["priority_id"], ["priorities.id"],
                                name=op.f("fk_priority_corrections_priority_id_priorities"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_priority_corrections_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_corrections")),
    )
    with op.batch_alter_table("priority_corrections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_corrections_priority_id"), ["priority_id"], unique=False)


def downgrade():
    with op.batch_alter_table("priority_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priority_corrections_priority_id"))
    op.drop_table("priority_corrections")
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
