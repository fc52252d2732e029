"""A signed-in customer's language, kept for their next visit (docs/conversation-contract.md, "Language")."""

from __future__ import annotations

import datetime as dt

from advisor_core.domain.language import LANGUAGES, normalise_tag
from advisor_core.services.unit_of_work import AbstractUnitOfWork


def remembered_language(uow: AbstractUnitOfWork, customer_id: str) -> str | None:
    """The language the customer last talked in (``en``, ``zh-CN``), or None when none is stored.

    A stored value that is no longer a supported language reads as None: the visit then starts
    as a first visit would.
    """
    with uow:
        stored = uow.customer_languages.get(customer_id)
    tag = normalise_tag(stored)
    return tag if tag in LANGUAGES else None


def remember_language(uow: AbstractUnitOfWork, customer_id: str, language: str, now: dt.datetime) -> str:
    """Store ``language`` as the customer's language and return it as stored (``en`` or ``zh-CN``).

    Raises ValueError for a language the assistant does not speak: nothing is stored then.
    """
    tag = normalise_tag(language)
    if tag not in LANGUAGES:
        raise ValueError(f"not a supported language: {language!r} (supported: {', '.join(LANGUAGES)})")
    with uow:
        uow.customer_languages.put(customer_id, tag, now)
        uow.commit()
    return tag
