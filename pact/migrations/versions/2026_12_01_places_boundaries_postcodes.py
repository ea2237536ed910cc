"""Places: each beat's boundary and the postcode directory, for "find your beat".

Revision ID: places_boundaries
Revises: 0001_initial
Created: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "places_boundaries"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "beat_boundaries",
        sa.Column("beat_id", sa.Integer(), nullable=False),
        sa.Column("geojson", sa.Text(), nullable=False),
        sa.Column("min_lng", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lng", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["beat_id"], ["beats.id"], name=op.f("fk_beat_boundaries_beat_id_beats"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("beat_id", name=op.f("pk_beat_boundaries")),
    )
    op.create_table(
        "postcodes",
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_postcodes")),
    )


def downgrade():
    op.drop_table("postcodes")
    op.drop_table("beat_boundaries")
