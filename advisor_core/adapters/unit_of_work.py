"""The SQLAlchemy unit of work, and the engine/session factories it runs on.

Nothing is connected at import time::

    factory = make_session_factory(database_url())
    with SqlAlchemyUnitOfWork(factory) as uow:
        uow.assessments.add(record)
        uow.commit()
"""

from __future__ import annotations

import os
from typing import Any, Self

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from advisor_core.adapters.orm import install_append_only_guard
from advisor_core.adapters.repositories import (
    FAILED_WRITE,
    SqlAlchemyAssessmentRepository,
    SqlAlchemyCustomerLanguageRepository,
    SqlAlchemyCustomerRepository,
    SqlAlchemyHandoffRepository,
    SqlAlchemyOfferEventRepository,
    SqlAlchemyRecommendationRepository,
    SqlAlchemySuitabilityEventRepository,
)
from advisor_core.errors import PersistenceError
from advisor_core.services.unit_of_work import AbstractUnitOfWork

__all__ = ["make_engine", "make_session_factory", "SqlAlchemyUnitOfWork"]


def _sqlite_file(url: Any) -> str | None:
    """The file path of a file-based SQLite URL, else ``None``."""
    database: str | None = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    if url.query.get("mode") == "memory":
        return None
    return database


def _enable_sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """A 2.0-style (``future=True``) engine for ``url``.

    * SQLite: creates the database's folder, turns foreign keys on for every
      connection; a file database keeps a small pool of open connections (SQLAlchemy
      1.4's default opened and closed the file for every session, ~1 ms each); an
      in-memory database is shared by all sessions (StaticPool).
    * PostgreSQL: a small pre-pinged, recycled connection pool and fast
      ``executemany`` (``execute_values``) for bulk inserts.

    ``kwargs`` are passed to ``create_engine`` and win over these defaults.
    """
    parsed = make_url(url)
    options: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            folder = os.path.dirname(os.path.abspath(path))
            os.makedirs(folder, exist_ok=True)
            # one session per connection at a time; the action server may run them on several threads
            options.update(poolclass=QueuePool, pool_size=5, max_overflow=5,
                           connect_args={"check_same_thread": False})
        else:
            options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        options.update(kwargs)
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    if parsed.get_backend_name() == "postgresql":
        options.update(pool_size=5, max_overflow=10, pool_pre_ping=True, pool_recycle=1800)
        if parsed.get_driver_name() == "psycopg2":
            options["executemany_mode"] = "values_plus_batch"
    options.update(kwargs)
    return create_engine(parsed, **options)


def make_session_factory(url: str | Engine, **engine_kwargs: Any) -> sessionmaker:
    """A ``sessionmaker`` producing 2.0-style sessions bound to a new engine for ``url``
    (or to the given ``Engine``). The engine is ``factory.kw["bind"]``; dispose it when done.
    """
    engine = url if isinstance(url, Engine) else make_engine(url, **engine_kwargs)
    factory = sessionmaker(bind=engine, future=True, expire_on_commit=False)
    install_append_only_guard(factory)
    factory.advisor_guarded = True  # read by SqlAlchemyUnitOfWork: this factory refuses bulk UPDATE/DELETE
    return factory


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """A unit of work over one SQLAlchemy session per ``with`` block.

    Leaving the block without ``commit()`` rolls everything back; a failed
    commit rolls back and raises ``PersistenceError``, and so does a commit
    after a failed write (nothing is half-written).
    """

    session: Session

    def __init__(self, session_factory: Any) -> None:
        self.session_factory = session_factory

    def __enter__(self) -> Self:
        self.session = self.session_factory()
        if not getattr(self.session_factory, "advisor_guarded", False):
            install_append_only_guard(self.session)
        self.customers = SqlAlchemyCustomerRepository(self.session)
        self.assessments = SqlAlchemyAssessmentRepository(self.session)
        self.recommendations = SqlAlchemyRecommendationRepository(self.session)
        self.suitability_events = SqlAlchemySuitabilityEventRepository(self.session)
        self.handoffs = SqlAlchemyHandoffRepository(self.session)
        self.offer_events = SqlAlchemyOfferEventRepository(self.session)
        self.customer_languages = SqlAlchemyCustomerLanguageRepository(self.session)
        return super().__enter__()

    def __exit__(self, *exc_info: object) -> None:
        try:
            super().__exit__(*exc_info)
        finally:
            self.session.close()

    def commit(self) -> None:
        failed = self.session.info.get(FAILED_WRITE)
        if failed:
            self._quiet_rollback()
            raise PersistenceError(f"commit refused after a failed write ({failed}); rolled back")
        try:
            self.session.commit()
        except BaseException as exc:
            self._quiet_rollback()
            if isinstance(exc, SQLAlchemyError):
                raise PersistenceError(f"commit failed: {exc}") from exc
            raise

    def rollback(self) -> None:
        self.session.info.pop(FAILED_WRITE, None)
        try:
            self.session.rollback()
        except SQLAlchemyError as exc:
            raise PersistenceError(f"rollback failed: {exc}") from exc

    def _quiet_rollback(self) -> None:
        self.session.info.pop(FAILED_WRITE, None)
        try:
            self.session.rollback()
        except SQLAlchemyError:
            pass
