"""evidence: pulse answers, referrals, viewers, population profiles, join demographics

Revision ID: evidence_figures
Revises: room_priority_corrections
"""
import sqlalchemy as sa
from alembic import op

revision = "evidence_figures"
down_revision = "room_priority_corrections"
branch_labels = None
depends_on = None

REFERRAL_STATUS = sa.Enum("open", "accepted", "resolved", "declined", name="referralstatus", native_enum=False,
                          length=16)


def upgrade():
    op.create_table(
        "pulse_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("listened", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("listened IS NULL OR (listened BETWEEN 1 AND 5)",
                           name=op.f("ck_pulse_answers_listened_1_to_5")),
        sa.CheckConstraint("confidence IS NULL OR (confidence BETWEEN 1 AND 5)",
                           name=op.f("ck_pulse_answers_confidence_1_to_5")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_pulse_answers_meeting_id_meetings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"],
                                name=op.f("fk_pulse_answers_participant_id_participants"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_answers")),
        sa.UniqueConstraint("participant_id", name=op.f("uq_pulse_answers_participant_id")),
    )
    op.create_index(op.f("ix_pulse_answers_meeting_id"), "pulse_answers", ["meeting_id"])
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", REFERRAL_STATUS, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("by_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["issue_id"], ["issues.id"], name=op.f("fk_referrals_issue_id_issues"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_referrals_meeting_id_meetings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_referrals_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("issue_id", "partner", name=op.f("uq_referrals_issue_id_partner")),
    )
    op.create_index(op.f("ix_referrals_issue_id"), "referrals", ["issue_id"])
    op.create_index(op.f("ix_referrals_meeting_id"), "referrals", ["meeting_id"])
    op.create_table(
        "meeting_viewers",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_viewers_meeting_id_meetings"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "device_hash", name=op.f("pk_meeting_viewers")),
    )
    op.create_table(
        "beat_populations",
        sa.Column("beat_id", sa.Integer(), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("share >= 0 AND share <= 1", name=op.f("ck_beat_populations_share_0_to_1")),
        sa.ForeignKeyConstraint(["beat_id"], ["beats.id"], name=op.f("fk_beat_populations_beat_id_beats"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("beat_id", "age_band", name=op.f("pk_beat_populations")),
    )
    op.create_table(
        "meeting_figures",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_figures_meeting_id_meetings"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_figures")),
    )
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("postcode_district", sa.String(length=4), nullable=True))
        batch.add_column(sa.Column("age_band", sa.String(length=8), nullable=True))
    # The evidence page reads a beat's meetings by date (docs/evidence.md, "At scale").
    op.create_index("ix_meetings_beat_id_starts_at", "meetings", ["beat_id", "starts_at"])


def downgrade():
    op.drop_index("ix_meetings_beat_id_starts_at", table_name="meetings")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("age_band")
        batch.drop_column("postcode_district")
    op.drop_table("meeting_figures")
    op.drop_table("beat_populations")
    op.drop_table("meeting_viewers")
    op.drop_index(op.f("ix_referrals_meeting_id"), table_name="referrals")
    op.drop_index(op.f("ix_referrals_issue_id"), table_name="referrals")
    op.drop_table("referrals")
    op.drop_index(op.f("ix_pulse_answers_meeting_id"), table_name="pulse_answers")
    op.drop_table("pulse_answers")
