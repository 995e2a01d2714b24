"""issued authorization (eTA, IFHP certificate of eligibility)

Revision ID: 0040_issued_authorization
Revises: 0020_pools
Create Date: 2026-12-04 16:35:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0040_issued_authorization'
down_revision: Union[str, None] = '0020_pools'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('issued_authorization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('applicant_id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('issued_authorization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_authorization_application_id'), ['application_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('issued_authorization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_authorization_application_id'))

    op.drop_table('issued_authorization')
