"""Compliance review (issue 10): every answer given, both readings, the age's source, the customer's words.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Only adds nullable columns, so rows written before it stay as they are (append-only: nothing is
rewritten or backfilled) and the append-only triggers of 0001 keep refusing UPDATE and DELETE.

* assessments.answer_log       every answer given in the order asked, item 11's re-ask included
* assessments.answered_points  the first reading (points as given) beside item_points (counted)
* assessments.answered_total   the first reading's total
* assessments.age_source       "typed" or "bank_record" (the date of birth on file decided)
* suitability_events.customer_text  the customer's own request or confirmation text
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CODE = 32


def upgrade() -> None:
    op.add_column("assessments", sa.Column("answer_log", sa.JSON(), nullable=True))
    op.add_column("assessments", sa.Column("answered_points", sa.JSON(), nullable=True))
    op.add_column("assessments", sa.Column("answered_total", sa.Integer(), nullable=True))
    op.add_column("assessments", sa.Column("age_source", sa.String(CODE), nullable=True))
    op.add_column("suitability_events", sa.Column("customer_text", sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): Alembic's batch mode would copy the table
    # and lose the append-only triggers of 0001.
    for table, column in (("suitability_events", "customer_text"), ("assessments", "age_source"),
                          ("assessments", "answered_total"), ("assessments", "answered_points"),
                          ("assessments", "answer_log")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
