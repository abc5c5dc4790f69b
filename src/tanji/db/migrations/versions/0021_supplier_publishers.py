"""Supplier footprints record their publisher; file assurance becomes a claim

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 11:55:00

A supplier footprint is identified by (publisher, product id). Existing rows: a footprint
published from a result belongs to the result's organisation (``org:<id>``); a PACT file
that answered a footprint request to the answering supplier; any other import to the
operator (``local``). An assurance an imported file stated (``verified`` on a row not
published on the platform) was never checked by the platform: it becomes a claim
(``claimed_verifier``) and the row is no longer verified. A PACT id and version is unique
per publisher (it was unique overall).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("supplier_footprints") as batch:
        batch.add_column(
            sa.Column("publisher", sa.String(length=200), server_default="local", nullable=False)
        )
        batch.add_column(
            sa.Column("claimed_verifier", sa.Text(), server_default="", nullable=False)
        )
        batch.create_index("ix_supplier_footprints_publisher", ["publisher"])
        # One publisher's PACT id and version is unique; another publisher may share the
        # same file without blocking (or being blocked by) the first.
        batch.drop_constraint("uq_supplier_footprints_ref_version", type_="unique")
        batch.create_unique_constraint(
            "uq_supplier_footprints_publisher_ref_version", ["publisher", "ref", "version"]
        )
    op.execute(
        "UPDATE supplier_footprints SET publisher = 'org:' || ("
        "SELECT CAST(r.org_id AS VARCHAR(20)) FROM footprint_results r "
        "WHERE r.id = supplier_footprints.result_id) "
        "WHERE origin = 'platform' AND result_id IN "
        "(SELECT id FROM footprint_results WHERE org_id IS NOT NULL)"
    )
    op.execute(
        "UPDATE supplier_footprints SET publisher = 'org:' || ("
        "SELECT CAST(MIN(q.supplier_org_id) AS VARCHAR(20)) FROM supply_requests q "
        "WHERE q.supplier_footprint_id = supplier_footprints.id) "
        "WHERE origin <> 'platform' AND id IN (SELECT supplier_footprint_id FROM "
        "supply_requests WHERE supplier_org_id IS NOT NULL)"
    )
    op.execute(
        "UPDATE supplier_footprints SET claimed_verifier = CASE WHEN verifier = '' "
        "THEN '(assurance provider not named)' ELSE verifier END, verified = false, "
        "verifier = '' WHERE origin <> 'platform' AND verified = true"
    )


def downgrade() -> None:
    """Downgrade schema (claims stay unverified: the platform never verified them)."""
    with op.batch_alter_table("supplier_footprints") as batch:
        batch.drop_constraint("uq_supplier_footprints_publisher_ref_version", type_="unique")
        batch.create_unique_constraint("uq_supplier_footprints_ref_version", ["ref", "version"])
        batch.drop_index("ix_supplier_footprints_publisher")
        batch.drop_column("claimed_verifier")
        batch.drop_column("publisher")
