"""Database fixtures for the integration tests.

* ``sqlite_url``   - a SQLite file in ``tmp_path``.
* ``postgres_url`` - a fresh, uniquely named database on the local PostgreSQL
  server (``ADVISOR_TEST_PG_ADMIN_URL``, default
  ``postgresql+psycopg2://postgres@127.0.0.1:5432/postgres``), dropped afterwards.
  Without a reachable server the test is skipped - unless env ``CI`` is set,
  then it fails: CI must run the PostgreSQL tests.
* ``db_url``       - parametrized over both (the PostgreSQL case is marked ``postgres``).
* ``migrated_url`` - ``db_url`` after ``upgrade(url)``.
* ``session_factory`` / ``make_uow`` - on the migrated database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from advisor_core.adapters.migrate import upgrade
from advisor_core.adapters.unit_of_work import SqlAlchemyUnitOfWork, make_session_factory
from tests.ci import skip_or_fail_in_ci

PG_ADMIN_URL = os.environ.get(
    "ADVISOR_TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'advisor.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    admin = create_engine(
        PG_ADMIN_URL,
        future=True,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )
    try:
        connection = admin.connect()
    except SQLAlchemyError as exc:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {make_url(PG_ADMIN_URL)!r}: {str(exc).splitlines()[0]}"
        skip_or_fail_in_ci(reason, must_run="the PostgreSQL tests")

    name = f"advisor_test_{uuid.uuid4().hex[:16]}"
    try:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            connection.close()
            admin.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def db_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def migrated_url(db_url: str) -> str:
    upgrade(db_url)
    return db_url


@pytest.fixture
def session_factory(migrated_url: str) -> Iterator:
    factory = make_session_factory(migrated_url)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture
def make_uow(session_factory) -> Callable[[], SqlAlchemyUnitOfWork]:
    return lambda: SqlAlchemyUnitOfWork(session_factory)
