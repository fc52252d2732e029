"""Where the action server gets its collaborators. Built lazily on first use, never at import."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from advisor_core.adapters.datafiles import default_catalog, default_questionnaire, default_text_book
from advisor_core.domain.products import Catalog
from advisor_core.domain.questionnaire import Questionnaire
from advisor_core.domain.texts import TextBook
from advisor_core.services.unit_of_work import AbstractUnitOfWork
from advisor_core.settings import Settings, load_settings


@dataclass
class Services:
    questionnaire: Questionnaire
    catalog: Catalog
    uow_factory: Callable[[], AbstractUnitOfWork]
    jwt_secret: str | None
    clock: Callable[[], dt.datetime]
    settings: Settings | None = None   # None in tests that need no file or database setting
    texts: TextBook | None = None      # every language's texts; None: the packaged ones

    def text_book(self) -> TextBook:
        return self.texts if self.texts is not None else default_text_book()


_services: Services | None = None
_lock = threading.Lock()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _build() -> Services:
    from advisor_core.adapters.unit_of_work import SqlAlchemyUnitOfWork, make_session_factory

    settings = load_settings()  # refuses a JWT secret too short for HS256, naming the variable
    session_factory = make_session_factory(settings.database_url)
    return Services(
        questionnaire=default_questionnaire(),
        catalog=default_catalog(),
        uow_factory=lambda: SqlAlchemyUnitOfWork(session_factory),
        jwt_secret=settings.jwt_secret,
        clock=_utc_now,
        settings=settings,
        texts=default_text_book(),
    )


def services() -> Services:
    global _services
    if _services is None:
        with _lock:
            if _services is None:
                _services = _build()
    return _services


def use_services(replacement: Services | None) -> None:
    """Swap the collaborators (tests pass a fake unit of work and a fixed clock)."""
    global _services
    _services = replacement
