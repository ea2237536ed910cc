"""staff sign-ins remember when they were last used (idle timeout)

Revision ID: auth_session_last_seen
Revises: safe_redaction
"""
import sqlalchemy as sa
from alembic import op

revision = "auth_session_last_seen"
down_revision = "safe_redaction"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")
