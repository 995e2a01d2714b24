"""tracking: search keys, client takeover, document requests, mail retry

Revision ID: 0004_tracking
Revises: 0003_payments
Create Date: 2026-11-28 00:15:35.679921
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0004_tracking'
down_revision: Union[str, None] = '0003_payments'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('document_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('label_fr', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('label_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note_fr', sa.Text(), nullable=False),
    sa.Column('note_en', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_request_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('biometrics_at', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('status_changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_account_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_application_client_account_id'), ['client_account_id'], unique=False)
        batch_op.create_index('ix_application_rep_submitted', ['representative_id', 'submitted_at', 'id'], unique=False)
        batch_op.create_foreign_key('fk_application_client_account_id', 'account', ['client_account_id'], ['id'])

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family_name_key', sqlmodel.sql.sqltypes.AutoString(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('uci_key', sqlmodel.sql.sqltypes.AutoString(length=20), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_client_family_name_key'), ['family_name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_uci_key'), ['uci_key'], unique=False)

    # Fill the search keys of the clients already there (new rows get them from the ORM).
    from rar_app.models import name_key, uci_key

    conn = op.get_bind()
    client = sa.table('client', sa.column('id', sa.Integer), sa.column('family_name', sa.String),
                      sa.column('uci', sa.String), sa.column('family_name_key', sa.String), sa.column('uci_key', sa.String))
    for row in conn.execute(sa.select(client.c.id, client.c.family_name, client.c.uci)).all():
        conn.execute(client.update().where(client.c.id == row.id)
                     .values(family_name_key=name_key(row.family_name)[:100], uci_key=uci_key(row.uci)[:20]))

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_error', sqlmodel.sql.sqltypes.AutoString(length=300), server_default='', nullable=False))
        batch_op.create_index('ix_message_account_created', ['account_id', 'created_at'], unique=False)
        batch_op.create_index('ix_message_email_due', ['email_status', 'email_next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_email_due')
        batch_op.drop_index('ix_message_account_created')
        batch_op.drop_column('email_error')

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_uci_key'))
        batch_op.drop_index(batch_op.f('ix_client_family_name_key'))
        batch_op.drop_column('uci_key')
        batch_op.drop_column('family_name_key')

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint('fk_application_client_account_id', type_='foreignkey')
        batch_op.drop_index('ix_application_rep_submitted')
        batch_op.drop_index(batch_op.f('ix_application_client_account_id'))
        batch_op.drop_column('client_account_id')

    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.drop_column('status_changed_at')
        batch_op.drop_column('biometrics_at')

    with op.batch_alter_table('document_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_request_application_id'))

    op.drop_table('document_request')
