"""Public directory: buyers' contact requests and enterprises' disclosure texts

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 11:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "directory_contact_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_org_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=True),
        sa.Column("to_org_id", sa.Integer(), nullable=False),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("product_name", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["from_org_id"], ["organisations.id"]),
        sa.ForeignKeyConstraint(["to_org_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("directory_contact_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_directory_contact_requests_from_org_id"), ["from_org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_directory_contact_requests_to_org_id"), ["to_org_id"], unique=False
        )
    op.create_table(
        "directory_disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("directory_disclosures")
    with op.batch_alter_table("directory_contact_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_contact_requests_to_org_id"))
        batch_op.drop_index(batch_op.f("ix_directory_contact_requests_from_org_id"))
    op.drop_table("directory_contact_requests")
