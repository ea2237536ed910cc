"""mail: each subscription and "tell me when answered" request keeps the language it was asked in

Revision ID: mail_language
Revises: evidence_summary
"""
import sqlalchemy as sa
from alembic import op

revision = "mail_language"
down_revision = "evidence_summary"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("subscriptions", "answer_watches"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="en"))


def downgrade():
    for table in ("answer_watches", "subscriptions"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("language")
