"""sign-in tickets bound to the browser (pre-sign-in cookie)

Revision ID: 0050_ticket_browser
Revises: 0060_staff_review
Create Date: 2026-12-04 20:45:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0050_ticket_browser'
down_revision: Union[str, None] = '0060_staff_review'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Tickets issued before this change carry no browser: they can no longer be redeemed (60 s anyway).
    with op.batch_alter_table('login_ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('login_ticket', schema=None) as batch_op:
        batch_op.drop_column('browser_hash')
