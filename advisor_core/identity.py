"""Who is talking: verifying the signed ``auth_token`` of the conversation contract.

A JWT (HS256) with claims ``sub``, ``role`` (customer | advisor) and ``exp``. Only a token that
verifies gives an identity; anything else is anonymous, with the reason kept so the assistant
can say so. Verified here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jwt

if TYPE_CHECKING:
    from jwt.types import Options

from advisor_core.errors import WeakSecretError

ALGORITHM = "HS256"
ROLES = ("customer", "advisor")
SECRET_VARIABLE = "ADVISOR_JWT_SECRET"
MIN_SECRET_BYTES = 32  # HS256 keys must be at least the hash's size, 256 bits (RFC 7518, section 3.2)


class IdentityStatus(enum.StrEnum):
    VERIFIED = "verified"
    NO_TOKEN = "no_token"
    EXPIRED = "expired"
    INVALID = "invalid"        # bad signature, unsigned, malformed or missing claims
    NOT_CONFIGURED = "not_configured"  # the server has no secret, so nothing can be verified


@dataclass(frozen=True)
class Identity:
    status: IdentityStatus
    subject: str | None = None
    role: str = "anonymous"

    @property
    def verified(self) -> bool:
        return self.status is IdentityStatus.VERIFIED

    @property
    def is_advisor(self) -> bool:
        return self.verified and self.role == "advisor"

    @property
    def customer_id(self) -> str | None:
        return self.subject if self.verified and self.role == "customer" else None

    @property
    def owner_key(self) -> str:
        """Whose turn this is, as a stable key: answers given under one key never serve another."""
        return f"{self.role}:{self.subject}" if self.verified else "guest"

    @property
    def anonymous_status(self) -> str | None:
        """Why a token was sent but the user is a guest (``expired``, ``invalid``, ``not_configured``);
        None when signed in or when no token was sent. Said in words by texts ``identity.<status>``."""
        if self.status in (IdentityStatus.EXPIRED, IdentityStatus.INVALID, IdentityStatus.NOT_CONFIGURED):
            return self.status.value
        return None

    @property
    def anonymous_reason(self) -> str | None:
        """:attr:`anonymous_status` in English words."""
        from advisor_core.domain.texts import default_texts

        status = self.anonymous_status
        return default_texts().render(f"identity.{status}") if status else None


ANONYMOUS = Identity(IdentityStatus.NO_TOKEN)


def check_secret(secret: str | None) -> None:
    """Refuse a configured secret too short for HS256; no secret at all is allowed (everyone is a guest).

    Raises `WeakSecretError` naming the variable and the length it needs.
    """
    if not secret:
        return
    length = len(secret.encode("utf-8"))
    if length < MIN_SECRET_BYTES:
        raise WeakSecretError(SECRET_VARIABLE, length, MIN_SECRET_BYTES)


def verify_token(token: object, secret: str | None, *, now: dt.datetime | None = None) -> Identity:
    if not token:
        return ANONYMOUS
    if not secret:
        return Identity(IdentityStatus.NOT_CONFIGURED)
    if not isinstance(token, str):
        return Identity(IdentityStatus.INVALID)
    options: Options = {"require": ["sub", "role", "exp"]}
    try:
        if now is None:
            claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options=options)
        else:
            unexpired: Options = {**options, "verify_exp": False}  # checked against `now` below
            claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options=unexpired)
            if dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC) <= now:
                return Identity(IdentityStatus.EXPIRED)
    except jwt.ExpiredSignatureError:
        return Identity(IdentityStatus.EXPIRED)
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return Identity(IdentityStatus.INVALID)
    subject, role = claims.get("sub"), claims.get("role")
    if not isinstance(subject, str) or not subject or role not in ROLES:
        return Identity(IdentityStatus.INVALID)
    return Identity(IdentityStatus.VERIFIED, subject, role)


def issue_token(subject: str, role: str, secret: str, *, expires_in: dt.timedelta = dt.timedelta(hours=1),
                now: dt.datetime | None = None) -> str:
    """Sign a token: `python -m advisor_core token` (demos) and the tests; the bank's login service signs real ones."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    issued = now or dt.datetime.now(dt.UTC)
    return jwt.encode({"sub": subject, "role": role, "exp": int((issued + expires_in).timestamp())},
                      secret, algorithm=ALGORITHM)
