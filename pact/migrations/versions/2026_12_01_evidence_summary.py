"""evidence summary: each closed meeting's pulse counts kept beside its attendance figures

The figures are now written when a meeting closes (pact/evidence/attendance.py `store_figures`)
and kept current as pulse answers arrive after the close; `flask --app wsgi evidence-refresh`
counts meetings closed before this revision (docs/evidence.md, "At scale").

Revision ID: evidence_summary
Revises: hybrid_room_counts
Created: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "evidence_summary"
down_revision = "hybrid_room_counts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meeting_figures") as batch:
        # JSON {"responses": n, "listened": [5 counts], "confidence": [5 counts]}; NULL: not counted yet
        batch.add_column(sa.Column("pulse", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("meeting_figures") as batch:
        batch.drop_column("pulse")
