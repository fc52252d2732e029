"""Language (issue 11): the language a signed-in customer last talked in, for the next visit.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

A new table keyed by customer id, not a column of ``customers``: a token may name a customer
the bank's book (``customers``) does not hold yet, and the preference is replaced in place,
which the append-only tables refuse.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = 128
CODE = 32


def upgrade() -> None:
    op.create_table(
        "customer_languages",
        sa.Column("customer_id", sa.String(ID), nullable=False),
        sa.Column("language", sa.String(CODE), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_languages")),
    )


def downgrade() -> None:
    op.drop_table("customer_languages")
