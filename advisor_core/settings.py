"""Runtime settings read from the environment.

Nothing here touches the file system or the database at import time.
"""

from __future__ import annotations

import os

DEFAULT_VAR_DIR = "./var"
DATABASE_FILE = "advisor.db"


def var_dir() -> str:
    """The folder for local state: env ``ADVISOR_VAR_DIR``, else ``./var`` (absolute path)."""
    return os.path.abspath(os.path.expanduser(os.environ.get("ADVISOR_VAR_DIR") or DEFAULT_VAR_DIR))


def database_url() -> str:
    """The database URL: env ``DATABASE_URL`` if set, else a SQLite file in :func:`var_dir`.

    The folder is not created here; ``advisor_core.adapters.unit_of_work.make_engine``
    creates it when the engine is built. A Heroku-style ``postgres://`` URL is
    rewritten to ``postgresql+psycopg2://`` because SQLAlchemy 1.4 rejects it.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgres://"):
            url = "postgresql+psycopg2://" + url[len("postgres://"):]
        return url
    return f"sqlite:///{os.path.join(var_dir(), DATABASE_FILE)}"
