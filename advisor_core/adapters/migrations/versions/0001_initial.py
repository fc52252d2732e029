"""Initial schema: customers, holdings, assessments, recommendations, suitability events, handoffs.

Revision ID: 0001
Revises:
Create Date: 2024-01-01

Written by hand; runs on SQLite and PostgreSQL. The append-only tables get
triggers that refuse UPDATE and DELETE in the database itself (a PL/pgSQL
function on PostgreSQL, ``RAISE(ABORT)`` triggers on SQLite).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 128
CODE = 32
PRODUCT = 64

APPEND_ONLY_TABLES = ("assessments", "recommendations", "recommendation_items", "suitability_events")
PG_FUNCTION = "advisor_refuse_append_only_change"


def _money() -> sa.Numeric:
    return sa.Numeric(15, 2)


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _surrogate_key() -> sa.Column:
    return sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
    )


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.String(ID), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("demand_balance", _money(), nullable=False),
        sa.Column("investable_assets", _money(), nullable=False),
        sa.Column("total_assets", _money(), nullable=False),
        sa.Column("mortgage_start", sa.Date(), nullable=True),
        sa.Column("children_ages", sa.JSON(), nullable=False),
        sa.Column("monthly_transactions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name="pk_customers"),
    )

    op.create_table(
        "holdings",
        sa.Column("customer_id", sa.String(ID), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("product_id", sa.String(PRODUCT), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "position", name="pk_holdings"),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
            name="fk_holdings_customer_id_customers",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_holdings_product_id", "holdings", ["product_id"])

    op.create_table(
        "assessments",
        _surrogate_key(),
        sa.Column("assessment_id", sa.String(ID), nullable=False),
        sa.Column("customer_id", sa.String(ID), nullable=True),
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("channel", sa.String(CODE), nullable=False),
        sa.Column("questionnaire_version", sa.String(CODE), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("item_points", sa.JSON(), nullable=False),
        sa.Column("total_score", sa.Integer(), nullable=False),
        sa.Column("capacity_score", sa.Integer(), nullable=False),
        sa.Column("willingness_score", sa.Integer(), nullable=False),
        sa.Column("caps", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(CODE), nullable=False),
        sa.Column("lowest_category", sa.Boolean(), nullable=False),
        sa.Column("age_at_assessment", sa.Integer(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.UniqueConstraint("assessment_id", name="uq_assessments_assessment_id"),
    )
    op.create_index("ix_assessments_customer_id", "assessments", ["customer_id"])
    op.create_index("ix_assessments_conversation_id", "assessments", ["conversation_id"])

    op.create_table(
        "recommendations",
        _surrogate_key(),
        sa.Column("recommendation_id", sa.String(ID), nullable=False),
        sa.Column("customer_id", sa.String(ID), nullable=True),
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("assessment_id", sa.String(ID), nullable=True),
        sa.Column("level", sa.String(CODE), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recommendations"),
        sa.UniqueConstraint("recommendation_id", name="uq_recommendations_recommendation_id"),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.assessment_id"],
            name="fk_recommendations_assessment_id_assessments",
        ),
    )
    op.create_index("ix_recommendations_customer_id", "recommendations", ["customer_id"])
    op.create_index("ix_recommendations_conversation_id", "recommendations", ["conversation_id"])
    op.create_index("ix_recommendations_assessment_id", "recommendations", ["assessment_id"])

    op.create_table(
        "recommendation_items",
        sa.Column("recommendation_id", sa.String(ID), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("product_id", sa.String(PRODUCT), nullable=False),
        sa.Column("risk_rating", sa.String(CODE), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("recommendation_id", "position", name="pk_recommendation_items"),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.recommendation_id"],
            name="fk_recommendation_items_recommendation_id_recommendations",
        ),
    )
    op.create_index("ix_recommendation_items_product_id", "recommendation_items", ["product_id"])

    op.create_table(
        "suitability_events",
        _surrogate_key(),
        sa.Column("event_id", sa.String(ID), nullable=False),
        sa.Column("customer_id", sa.String(ID), nullable=True),
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("kind", sa.String(CODE), nullable=False),
        sa.Column("product_id", sa.String(PRODUCT), nullable=False),
        sa.Column("product_rating", sa.String(CODE), nullable=False),
        sa.Column("customer_level", sa.String(CODE), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suitability_events"),
        sa.UniqueConstraint("event_id", name="uq_suitability_events_event_id"),
    )
    op.create_index("ix_suitability_events_customer_id", "suitability_events", ["customer_id"])
    op.create_index("ix_suitability_events_conversation_id", "suitability_events", ["conversation_id"])

    op.create_table(
        "handoff_tickets",
        _surrogate_key(),
        sa.Column("ticket_id", sa.String(ID), nullable=False),
        sa.Column("customer_id", sa.String(ID), nullable=True),
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(CODE), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("closed_at", _timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_tickets"),
        sa.UniqueConstraint("ticket_id", name="uq_handoff_tickets_ticket_id"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_handoff_tickets_status"),
    )
    op.create_index("ix_handoff_tickets_customer_id", "handoff_tickets", ["customer_id"])
    op.create_index("ix_handoff_tickets_conversation_id", "handoff_tickets", ["conversation_id"])
    op.create_index("ix_handoff_tickets_status", "handoff_tickets", ["status"])

    _create_append_only_triggers()


def _create_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'restrict_violation';
            END;
            $$
            """
        )
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
            )
    elif dialect == "sqlite":
        for table in APPEND_ONLY_TABLES:
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_append_only_{operation.lower()} "
                    f"BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    # SQLite drops a table's triggers with the table.
    for index, table in (
        ("ix_handoff_tickets_status", "handoff_tickets"),
        ("ix_handoff_tickets_conversation_id", "handoff_tickets"),
        ("ix_handoff_tickets_customer_id", "handoff_tickets"),
        ("ix_suitability_events_conversation_id", "suitability_events"),
        ("ix_suitability_events_customer_id", "suitability_events"),
        ("ix_recommendation_items_product_id", "recommendation_items"),
        ("ix_recommendations_assessment_id", "recommendations"),
        ("ix_recommendations_conversation_id", "recommendations"),
        ("ix_recommendations_customer_id", "recommendations"),
        ("ix_assessments_conversation_id", "assessments"),
        ("ix_assessments_customer_id", "assessments"),
        ("ix_holdings_product_id", "holdings"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "handoff_tickets",
        "suitability_events",
        "recommendation_items",
        "recommendations",
        "assessments",
        "holdings",
        "customers",
    ):
        op.drop_table(table)
