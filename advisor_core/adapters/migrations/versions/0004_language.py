"""Language (issue 11): the language each suitability record was shown in, and the whole message.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Only adds nullable columns, so rows written before it stay as they are (append-only: nothing is
rewritten or backfilled; NULL reads as English, the only language before it) and the append-only
triggers of 0001 keep refusing UPDATE and DELETE.

* assessments.language         the conversation's language: the caps were explained in it
* recommendations.language     the language the reasons were written and shown in
* recommendations.shown_text   the whole recommendation message as the customer saw it
* suitability_events.language  the language of the warning, refusal or confirmed warning (text)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CODE = 32
COLUMNS = (("assessments", "language"), ("recommendations", "language"), ("recommendations", "shown_text"),
           ("suitability_events", "language"))


def upgrade() -> None:
    op.add_column("assessments", sa.Column("language", sa.String(CODE), nullable=True))
    op.add_column("recommendations", sa.Column("language", sa.String(CODE), nullable=True))
    op.add_column("recommendations", sa.Column("shown_text", sa.Text(), nullable=True))
    op.add_column("suitability_events", sa.Column("language", sa.String(CODE), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), as 0002 does: Alembic's batch mode would
    # copy the table and lose the append-only triggers of 0001.
    for table, column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
