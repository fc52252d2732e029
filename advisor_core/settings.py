"""Runtime settings: one validated object read from the environment.

Every reader (the action server's wiring, the advisor actions' exports, the command line) gets
its settings from :func:`load_settings`, so each variable has one default and one check.
Nothing here touches the file system or the database, at import time or when loading.

=====================  =========================================  ===========================
variable               meaning                                    default
=====================  =========================================  ===========================
ADVISOR_VAR_DIR        folder for local databases, exports, logs  ./var (made absolute)
DATABASE_URL           advisor database (SQLAlchemy URL)          SQLite ``<var>/advisor.db``
ADVISOR_EXPORT_DIR     campaign CSV exports                       ``<var>/exports``
ADVISOR_JWT_SECRET     verifies ``auth_token`` JWTs (>= 32 bytes)  unset: every user a guest
=====================  =========================================  ===========================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from advisor_core.errors import SettingsError
from advisor_core.identity import MIN_SECRET_BYTES, check_secret

DEFAULT_VAR_DIR = "./var"
DATABASE_FILE = "advisor.db"
EXPORTS_FOLDER = "exports"
MIN_JWT_SECRET_BYTES = MIN_SECRET_BYTES   # the conversation contract: HS256 secrets of at least 32 bytes


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    export_dir: Path
    jwt_secret: str | None   # None: no token can be verified, every user is a guest


def _path(value: str) -> Path:
    return Path(os.path.abspath(os.path.expanduser(value)))


def _database_url(raw: str, var: Path) -> str:
    url = raw.strip()
    if not url:
        return f"sqlite:///{var / DATABASE_FILE}"
    if url.startswith("postgres://"):  # Heroku-style; SQLAlchemy 1.4 rejects it
        url = "postgresql+psycopg2://" + url[len("postgres://"):]
    if "://" not in url:
        raise SettingsError("DATABASE_URL", "is not a SQLAlchemy URL (expected e.g. postgresql+psycopg2://...)")
    return url


def _jwt_secret(raw: str) -> str | None:
    check_secret(raw or None)  # raises WeakSecretError (a SettingsError) naming the variable
    return raw or None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raises SettingsError naming the variable at fault."""
    env = os.environ if environ is None else environ
    var = _path(env.get("ADVISOR_VAR_DIR", "").strip() or DEFAULT_VAR_DIR)
    export = env.get("ADVISOR_EXPORT_DIR", "").strip()
    return Settings(
        var_dir=var,
        database_url=_database_url(env.get("DATABASE_URL", ""), var),
        export_dir=_path(export) if export else var / EXPORTS_FOLDER,
        jwt_secret=_jwt_secret(env.get("ADVISOR_JWT_SECRET", "")),
    )


def var_dir() -> str:
    """The folder for local state (``load_settings().var_dir`` as text)."""
    return str(load_settings().var_dir)


def database_url() -> str:
    """The database URL (``load_settings().database_url``).

    The folder of a SQLite file is not created here; ``advisor_core.adapters.unit_of_work.make_engine``
    creates it when the engine is built.
    """
    return load_settings().database_url
