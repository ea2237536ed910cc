"""E-mail: subscriptions, answer watches, mail events and deliveries, staff account links

Revision ID: mail_notifications
Revises: evidence_figures
Create Date: 2026-12-01 10:54:09.562057

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'mail_notifications'
down_revision = 'evidence_figures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('invite', 'reset', name='tokenpurpose', native_enum=False, length=16), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens'))
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('beat_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Enum('pending', 'active', name='subscriptionstate', native_enum=False, length=16), nullable=False),
    sa.Column('reminders', sa.Boolean(), nullable=False),
    sa.Column('summaries', sa.Boolean(), nullable=False),
    sa.Column('progress', sa.Boolean(), nullable=False),
    sa.Column('confirm_nonce', sa.String(length=32), nullable=True),
    sa.Column('confirm_expires_at', sa.DateTime(), nullable=True),
    sa.Column('manage_nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['beat_id'], ['beats.id'], name=op.f('fk_subscriptions_beat_id_beats'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
    sa.UniqueConstraint('beat_id', 'address_hash', name=op.f('uq_subscriptions_beat_id_address_hash'))
    )
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriptions_address_hash'), ['address_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscriptions_beat_id'), ['beat_id'], unique=False)

    op.create_table('mail_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('confirm', 'already', 'reminder', 'live', 'summary', 'progress', 'rescheduled', 'cancelled', 'answered', 'staff_invite', 'staff_reset', name='mailkind', native_enum=False, length=16), nullable=False),
    sa.Column('beat_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('fanned_out_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['beat_id'], ['beats.id'], name=op.f('fk_mail_events_beat_id_beats'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_mail_events_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_events')),
    sa.UniqueConstraint('key', name=op.f('uq_mail_events_key'))
    )
    with op.batch_alter_table('mail_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_events_fanned_out_at'), ['fanned_out_at'], unique=False)

    op.create_table('mail_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'sending', 'sent', 'failed', 'skipped', 'unknown', name='deliverystate', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['mail_events.id'], name=op.f('fk_mail_deliveries_event_id_mail_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_deliveries')),
    sa.UniqueConstraint('event_id', 'address_hash', name=op.f('uq_mail_deliveries_event_id_address_hash'))
    )
    with op.batch_alter_table('mail_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_deliveries_address_hash'), ['address_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_deliveries_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_deliveries_state'), ['state'], unique=False)

    op.create_table('answer_watches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], name=op.f('fk_answer_watches_issue_id_issues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_watches')),
    sa.UniqueConstraint('issue_id', 'address_hash', name=op.f('uq_answer_watches_issue_id_address_hash'))
    )
    with op.batch_alter_table('answer_watches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_watches_address_hash'), ['address_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_watches_issue_id'), ['issue_id'], unique=False)



def downgrade():
    with op.batch_alter_table('answer_watches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_watches_issue_id'))
        batch_op.drop_index(batch_op.f('ix_answer_watches_address_hash'))

    op.drop_table('answer_watches')
    with op.batch_alter_table('mail_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_deliveries_state'))
        batch_op.drop_index(batch_op.f('ix_mail_deliveries_event_id'))
        batch_op.drop_index(batch_op.f('ix_mail_deliveries_address_hash'))

    op.drop_table('mail_deliveries')
    with op.batch_alter_table('mail_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_events_fanned_out_at'))
        batch_op.drop_index(batch_op.f('ix_mail_events_created_at'))

    op.drop_table('mail_events')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriptions_beat_id'))
        batch_op.drop_index(batch_op.f('ix_subscriptions_address_hash'))

    op.drop_table('subscriptions')
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tokens_user_id'))

    op.drop_table('account_tokens')
