"""safeguarding: redacted posts keep the original for staff; audit entries carry the hold code

Revision ID: safe_redaction
Revises: places_boundaries
"""
import sqlalchemy as sa
from alembic import op

revision = "safe_redaction"
down_revision = "places_boundaries"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("issues") as batch:
        batch.add_column(sa.Column("original_text", sa.Text(), nullable=True))
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("hold_code", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_column("hold_code")
    with op.batch_alter_table("issues") as batch:
        batch.drop_column("original_text")
