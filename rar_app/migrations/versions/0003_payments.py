"""payments: payer, failure code, institution, fee lines; signature question per session

Revision ID: 0003_payments
Revises: 0002_accounts
Create Date: 2026-11-28 00:14:37.976864
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0003_payments'
down_revision: Union[str, None] = '0002_accounts'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature_position', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signature_failures', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('failure_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('institution', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('fee_lines', sa.Text(), server_default='[]', nullable=False))
        batch_op.create_index(batch_op.f('ix_payment_account_id'), ['account_id'], unique=False)
        batch_op.create_foreign_key('fk_payment_account_id', 'account', ['account_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_payment_account_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payment_account_id'))
        batch_op.drop_column('fee_lines')
        batch_op.drop_column('institution')
        batch_op.drop_column('failure_code')
        batch_op.drop_column('account_id')

    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_column('signature_failures')
        batch_op.drop_column('signature_position')

