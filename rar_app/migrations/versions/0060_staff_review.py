"""staff review: fee exemptions and representative removals wait for back-office staff

Revision ID: 0060_staff_review
Revises: 0100_demo_partner
Create Date: 2026-12-04 20:26:58.155388
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0060_staff_review'
down_revision: Union[str, None] = '0100_demo_partner'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('staff_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('decision_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_review_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_review_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_review_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_review_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_review_status'))
        batch_op.drop_index(batch_op.f('ix_staff_review_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_staff_review_kind'))
        batch_op.drop_index(batch_op.f('ix_staff_review_application_id'))

    op.drop_table('staff_review')
