"""Verifying the signed auth_token: only a token that verifies gives an identity."""

from __future__ import annotations

import base64
import datetime as dt
import json

import jwt
import pytest

from advisor_core.cli import main as cli_main
from advisor_core.errors import WeakSecretError
from advisor_core.identity import (
    ANONYMOUS,
    MIN_SECRET_BYTES,
    Identity,
    IdentityStatus,
    check_secret,
    issue_token,
    verify_token,
)

SECRET = "unit-test-secret-that-is-long-enough-for-hs256!"
OTHER_SECRET = "a-completely-different-secret-of-decent-length!!"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
FAR_FUTURE = int(dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp())


def signed(claims: dict[str, object], secret: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# ------------------------------------------------------------------ verified


@pytest.mark.parametrize("role", ["customer", "advisor"])
def test_verified_token(role: str) -> None:
    identity = verify_token(issue_token("u-42", role, SECRET), SECRET)
    assert identity == Identity(IdentityStatus.VERIFIED, "u-42", role)
    assert identity.verified
    assert identity.anonymous_reason is None
    assert identity.is_advisor is (role == "advisor")
    assert identity.customer_id == ("u-42" if role == "customer" else None)


def test_verified_with_explicit_now() -> None:
    token = issue_token("c-1", "customer", SECRET, now=NOW, expires_in=dt.timedelta(minutes=10))
    assert verify_token(token, SECRET, now=NOW + dt.timedelta(minutes=9)).verified


# ------------------------------------------------------------------ expired


def test_expired_token() -> None:
    token = issue_token("c-1", "customer", SECRET, expires_in=dt.timedelta(seconds=-30))
    identity = verify_token(token, SECRET)
    assert identity.status is IdentityStatus.EXPIRED
    assert not identity.verified and identity.customer_id is None and identity.subject is None
    assert identity.anonymous_reason == "your sign-in has expired"


@pytest.mark.parametrize("after", [dt.timedelta(minutes=10), dt.timedelta(days=3)])
def test_expired_at_explicit_now(after: dt.timedelta) -> None:
    token = issue_token("c-1", "customer", SECRET, now=NOW, expires_in=dt.timedelta(minutes=10))
    assert verify_token(token, SECRET, now=NOW + after).status is IdentityStatus.EXPIRED


# ------------------------------------------------------------------ invalid


def test_wrong_secret() -> None:
    identity = verify_token(issue_token("c-1", "customer", OTHER_SECRET), SECRET)
    assert identity.status is IdentityStatus.INVALID
    assert identity.anonymous_reason == "your sign-in could not be verified"


def test_tampered_payload() -> None:
    token = issue_token("c-1", "customer", SECRET)
    header, _, signature = token.split(".")
    forged = ".".join([header, _b64({"sub": "c-1", "role": "advisor", "exp": FAR_FUTURE}), signature])
    assert verify_token(forged, SECRET).status is IdentityStatus.INVALID


def test_unsigned_alg_none() -> None:
    token = jwt.encode({"sub": "c-1", "role": "advisor", "exp": FAR_FUTURE}, None, algorithm="none")
    assert verify_token(token, SECRET).status is IdentityStatus.INVALID
    hand_made = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64({"sub": "c-1", "role": "advisor",
                                                                   "exp": FAR_FUTURE}) + "."
    assert verify_token(hand_made, SECRET).status is IdentityStatus.INVALID


def test_other_algorithm_rejected() -> None:
    token = signed({"sub": "c-1", "role": "customer", "exp": FAR_FUTURE}, SECRET + SECRET, "HS512")
    assert verify_token(token, SECRET + SECRET).status is IdentityStatus.INVALID


def test_hs512_signed_with_the_same_secret_rejected() -> None:
    token = signed({"sub": "c-1", "role": "advisor", "exp": FAR_FUTURE}, SECRET, "HS512")
    assert jwt.get_unverified_header(token)["alg"] == "HS512"
    assert verify_token(token, SECRET).status is IdentityStatus.INVALID


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "PS256", "HS384", "None", "NONE"])
def test_a_token_claiming_another_algorithm_is_rejected(algorithm: str) -> None:
    """Shaped as such a token (header, claims, a signature): refused before any key is used."""
    header = _b64({"alg": algorithm, "typ": "JWT"})
    claims = _b64({"sub": "c-1", "role": "advisor", "exp": FAR_FUTURE})
    signature = base64.urlsafe_b64encode(b"\x01" * 256).rstrip(b"=").decode()
    assert verify_token(f"{header}.{claims}.{signature}", SECRET).status is IdentityStatus.INVALID


@pytest.mark.parametrize("missing", ["sub", "role", "exp"])
def test_missing_claims(missing: str) -> None:
    claims: dict[str, object] = {"sub": "c-1", "role": "customer", "exp": FAR_FUTURE}
    del claims[missing]
    assert verify_token(signed(claims), SECRET).status is IdentityStatus.INVALID
    assert verify_token(signed(claims), SECRET, now=NOW).status is IdentityStatus.INVALID


@pytest.mark.parametrize("role", ["admin", "Customer", "", None, 1])
def test_bad_role(role: object) -> None:
    identity = verify_token(signed({"sub": "c-1", "role": role, "exp": FAR_FUTURE}), SECRET)
    assert identity.status is IdentityStatus.INVALID
    assert identity.role == "anonymous"


@pytest.mark.parametrize("subject", ["", 5])
def test_bad_subject(subject: object) -> None:
    assert verify_token(signed({"sub": subject, "role": "customer", "exp": FAR_FUTURE}), SECRET).status \
        is IdentityStatus.INVALID


@pytest.mark.parametrize("exp", ["soon", None])
def test_bad_exp(exp: object) -> None:
    token = signed({"sub": "c-1", "role": "customer", "exp": exp})
    assert verify_token(token, SECRET).status is IdentityStatus.INVALID
    assert verify_token(token, SECRET, now=NOW).status is IdentityStatus.INVALID


@pytest.mark.parametrize("token", ["garbage", "a.b.c", 123, b"bytes", ["x"]])
def test_malformed_token(token: object) -> None:
    assert verify_token(token, SECRET).status is IdentityStatus.INVALID


# ------------------------------------------------------------------ no token, no secret


@pytest.mark.parametrize("token", [None, ""])
def test_no_token_is_anonymous(token: object) -> None:
    identity = verify_token(token, SECRET)
    assert identity is ANONYMOUS
    assert identity.status is IdentityStatus.NO_TOKEN
    assert identity.role == "anonymous" and identity.subject is None
    assert not identity.verified and not identity.is_advisor and identity.customer_id is None
    assert identity.anonymous_reason is None
    assert verify_token(token, None) is ANONYMOUS


@pytest.mark.parametrize("secret", [None, ""])
def test_no_secret_configured(secret: str | None) -> None:
    identity = verify_token(issue_token("c-1", "customer", SECRET), secret)
    assert identity.status is IdentityStatus.NOT_CONFIGURED
    assert not identity.verified and identity.customer_id is None
    assert identity.anonymous_reason == "sign-in is not available right now"


# ------------------------------------------------------------------ the secret itself


@pytest.mark.parametrize("secret", ["x" * 31, "short", "密" * 10])  # 10 Chinese characters: 30 bytes
def test_a_secret_shorter_than_32_bytes_is_refused_with_the_reason(secret: str) -> None:
    reason = r"ADVISOR_JWT_SECRET is \d+ bytes long; HS256 needs .* at least 32 bytes"
    with pytest.raises(WeakSecretError, match=reason):
        check_secret(secret)


@pytest.mark.parametrize("secret", [None, "", "x" * MIN_SECRET_BYTES, "密" * 11, SECRET])
def test_a_long_enough_or_absent_secret_is_accepted(secret: str | None) -> None:
    check_secret(secret)


def test_check_config_exits_with_the_message_for_a_short_secret(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ADVISOR_JWT_SECRET", "too-short")
    assert cli_main(["check-config"]) == 2
    assert "ADVISOR_JWT_SECRET is 9 bytes long" in capsys.readouterr().err
    monkeypatch.setenv("ADVISOR_JWT_SECRET", SECRET)
    assert cli_main(["check-config"]) == 0


# ------------------------------------------------------------------ customer_id


@pytest.mark.parametrize(("status", "role", "customer_id"), [
    (IdentityStatus.VERIFIED, "customer", "c-1"),
    (IdentityStatus.VERIFIED, "advisor", None),
    (IdentityStatus.EXPIRED, "customer", None),
    (IdentityStatus.INVALID, "customer", None),
    (IdentityStatus.NO_TOKEN, "customer", None),
    (IdentityStatus.NOT_CONFIGURED, "customer", None),
])
def test_customer_id_only_for_verified_customer(status: IdentityStatus, role: str, customer_id: str | None) -> None:
    identity = Identity(status, "c-1", role)
    assert identity.customer_id == customer_id
    assert identity.is_advisor is False or (status is IdentityStatus.VERIFIED and role == "advisor")


def test_unverified_advisor_is_not_an_advisor() -> None:
    assert Identity(IdentityStatus.EXPIRED, "a-1", "advisor").is_advisor is False
    assert Identity(IdentityStatus.VERIFIED, "a-1", "advisor").is_advisor is True


# ------------------------------------------------------------------ issuing


def test_issue_token_claims() -> None:
    token = issue_token("c-9", "advisor", SECRET, now=NOW, expires_in=dt.timedelta(hours=2))
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert claims == {"sub": "c-9", "role": "advisor", "exp": int((NOW + dt.timedelta(hours=2)).timestamp())}
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_issue_token_rejects_unknown_role() -> None:
    with pytest.raises(ValueError, match="role"):
        issue_token("c-1", "admin", SECRET)


# ------------------------------------------------------------------ the demo command


@pytest.mark.parametrize(("who", "sub", "role"), [
    (["--customer", "C000123"], "C000123", "customer"),
    (["--advisor", "Ann Lee"], "Ann Lee", "advisor"),
])
def test_token_command_prints_a_token_the_servers_verify(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str],
                                                         who: list[str], sub: str, role: str) -> None:
    monkeypatch.setenv("ADVISOR_JWT_SECRET", SECRET)
    before = dt.datetime.now(dt.UTC)
    assert cli_main(["token", *who, "--minutes", "15"]) == 0
    out = capsys.readouterr()
    token = out.out.strip()
    assert "\n" not in token  # stdout is the token alone: TOKEN=$(python -m advisor_core token ...)
    assert verify_token(token, SECRET) == Identity(IdentityStatus.VERIFIED, sub, role)
    assert verify_token(token, OTHER_SECRET).status is IdentityStatus.INVALID
    exp = jwt.decode(token, SECRET, algorithms=["HS256"])["exp"]
    assert before + dt.timedelta(minutes=15) - dt.timedelta(seconds=2) <= dt.datetime.fromtimestamp(exp, dt.UTC)
    assert dt.datetime.fromtimestamp(exp, dt.UTC) <= dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)
    assert f"{role} {sub}, valid 15 minutes" in out.err


def test_token_command_defaults_to_an_hour(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ADVISOR_JWT_SECRET", SECRET)
    assert cli_main(["token", "--customer", "C000123"]) == 0
    token = capsys.readouterr().out.strip()
    exp = dt.datetime.fromtimestamp(jwt.decode(token, SECRET, algorithms=["HS256"])["exp"], dt.UTC)
    assert dt.timedelta(minutes=59) < exp - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=60)


def test_token_command_refuses_without_a_secret(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ADVISOR_JWT_SECRET", raising=False)
    assert cli_main(["token", "--customer", "C000123"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert "ADVISOR_JWT_SECRET is not set" in out.err


def test_token_command_refuses_a_weak_secret(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ADVISOR_JWT_SECRET", "x" * 31)
    assert cli_main(["token", "--advisor", "A0001"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert "ADVISOR_JWT_SECRET is 31 bytes long; HS256 needs a secret of at least 32 bytes" in out.err


@pytest.mark.parametrize(("args", "problem"), [
    (["--customer", "  "], "the customer id must not be empty"),
    (["--customer", "C000123", "--minutes", "0"], "--minutes must be from 1 to 1440"),
    (["--advisor", "A0001", "--minutes", "1441"], "--minutes must be from 1 to 1440"),
])
def test_token_command_refuses_bad_arguments(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                             args: list[str], problem: str) -> None:
    monkeypatch.setenv("ADVISOR_JWT_SECRET", SECRET)
    assert cli_main(["token", *args]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert problem in out.err


def test_token_command_needs_exactly_one_of_customer_or_advisor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_JWT_SECRET", SECRET)
    for args in ([], ["--customer", "C1", "--advisor", "A1"]):
        with pytest.raises(SystemExit) as exit_info:  # argparse's usage error
            cli_main(["token", *args])
        assert exit_info.value.code == 2
