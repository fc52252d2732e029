"""Errors raised by advisor_core, one per failure a caller can act on.

    AdvisorError
    ├── DataFileError            a data file is missing or malformed (names file and field)
    ├── AnswerError              a questionnaire answer cannot be accepted
    │   ├── UnknownOptionError   not one of the item's options
    │   ├── AgeOutOfRangeError   not a plausible age
    │   └── MissingAnswerError   a required item has no answer
    ├── UnderageError            under 18: no assessment is made
    ├── RetakeLimitError         a second retake on the same day
    ├── AssessmentRequiredError  no valid assessment for a risk-bearing recommendation
    ├── SuitabilityRefusedError  a product above the level that may not be sold on request
    ├── UnknownProductError      a product id not in the catalog
    ├── CalculatorInputError     a calculator was given an impossible input
    ├── PersistenceError         the database could not store or read a record
    └── WeakSecretError          the JWT secret is too short to sign HS256 tokens safely
"""

from __future__ import annotations


class AdvisorError(Exception):
    """Base of every error advisor_core raises on purpose."""


class DataFileError(AdvisorError):
    def __init__(self, path: str, field: str, problem: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        super().__init__(f"{path}: {field}: {problem}")


class AnswerError(AdvisorError):
    def __init__(self, item: str, message: str) -> None:
        self.item = item
        super().__init__(f"{item}: {message}")


class UnknownOptionError(AnswerError):
    def __init__(self, item: str, value: object, allowed: tuple[str, ...]) -> None:
        self.value = value
        self.allowed = allowed
        super().__init__(item, f"{value!r} is not one of {', '.join(allowed)}")


class AgeOutOfRangeError(AnswerError):
    def __init__(self, item: str, value: object) -> None:
        self.value = value
        super().__init__(item, f"{value!r} is not an age between 0 and 120")


class MissingAnswerError(AnswerError):
    def __init__(self, item: str) -> None:
        super().__init__(item, "no answer given")


class UnderageError(AdvisorError):
    def __init__(self, age: int) -> None:
        self.age = age
        super().__init__(f"age {age} is under 18: no assessment can be made")


class RetakeLimitError(AdvisorError):
    """Only one retake a day is allowed; every attempt is kept."""


class AssessmentRequiredError(AdvisorError):
    """There is no valid assessment (none, older than 12 months, or an age threshold crossed)."""


class SuitabilityRefusedError(AdvisorError):
    def __init__(self, product_id: str, reason: str) -> None:
        self.product_id = product_id
        self.reason = reason
        super().__init__(f"{product_id}: {reason}")


class UnknownProductError(AdvisorError):
    def __init__(self, product_id: str) -> None:
        self.product_id = product_id
        super().__init__(f"no product {product_id!r} in the catalog")


class CalculatorInputError(AdvisorError):
    pass


class PersistenceError(AdvisorError):
    """A record could not be written or read; nothing was half-saved."""


class WeakSecretError(AdvisorError):
    """The configured JWT secret is shorter than HS256 needs (RFC 7518 3.2: at least 256 bits)."""

    def __init__(self, variable: str, length: int, minimum: int) -> None:
        self.variable = variable
        self.length = length
        self.minimum = minimum
        super().__init__(f"{variable} is {length} bytes long; HS256 needs a secret of at least {minimum} bytes "
                         f"(256 bits). Set it to a random value, e.g. the output of "
                         f"`python -c \"import secrets; print(secrets.token_urlsafe(48))\"`")
