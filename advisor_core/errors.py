"""Errors raised by advisor_core, one per failure a caller can act on.

    AdvisorError
    ├── DataFileError            a data file is missing or malformed (names file and field)
    ├── AnswerError              a questionnaire answer cannot be accepted
    │   ├── UnknownOptionError   not one of the item's options
    │   ├── AgeOutOfRangeError   not a plausible age
    │   ├── AmbiguousAnswerError fits several options: ask back with the candidates
    │   └── MissingAnswerError   a required item has no answer
    ├── UnderageError            under 18: no assessment is made
    ├── RetakeLimitError         a second retake on the same day
    ├── AssessmentRequiredError  no valid assessment for a risk-bearing recommendation
    ├── SuitabilityRefusedError  a product above the level that may not be sold on request
    ├── ConfirmationWithoutWarningError  a confirmation with no warning before it
    ├── UnknownProductError      a product id not in the catalog
    ├── CustomerNotFound         no customer with that id in the bank's book
    ├── CalculatorInputError     a calculator was given an impossible input
    ├── SettingsError            an environment setting is missing or malformed
    │   └── WeakSecretError      the JWT secret is too short to sign HS256 tokens safely
    └── PersistenceError         the database could not store or read a record
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


class AmbiguousAnswerError(AnswerError):
    """The answer fits more than one option, so the dialogue asks which one it meant.

    ``candidates`` are option ids in the item's order (fewest points first), ready to be shown
    as buttons: "Did you mean 10% to 30% or 30% to 50%?". An AnswerError, so a caller that only
    re-prompts keeps working.
    """

    def __init__(self, item: str, value: object, candidates: tuple[str, ...]) -> None:
        self.value = value
        self.candidates = candidates
        super().__init__(item, f"{value!r} could mean {' or '.join(candidates)}")


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


class ConfirmationWithoutWarningError(AdvisorError):
    """A confirmation needs the special risk warning for the same product in the same
    conversation before it, not yet confirmed [CSRC 19]."""

    def __init__(self, product_id: str) -> None:
        self.product_id = product_id
        super().__init__(f"{product_id}: no special risk warning to confirm in this conversation")


class UnknownProductError(AdvisorError):
    def __init__(self, product_id: str) -> None:
        self.product_id = product_id
        super().__init__(f"no product {product_id!r} in the catalog")


class CustomerNotFound(AdvisorError, LookupError):
    def __init__(self, customer_id: str) -> None:
        self.customer_id = customer_id
        super().__init__(f"no customer {customer_id!r} in the book")


class CalculatorInputError(AdvisorError):
    pass


class SettingsError(AdvisorError):
    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable}: {problem}")


class PersistenceError(AdvisorError):
    """A record could not be written or read; nothing was half-saved."""


class WeakSecretError(SettingsError):
    """The configured JWT secret is shorter than HS256 needs (RFC 7518 3.2: at least 256 bits)."""

    def __init__(self, variable: str, length: int, minimum: int) -> None:
        self.length = length
        self.minimum = minimum
        AdvisorError.__init__(
            self, f"{variable} is {length} bytes long; HS256 needs a secret of at least {minimum} bytes "
                  f"(256 bits). Set it to a random value, e.g. the output of "
                  f"`python -c \"import secrets; print(secrets.token_urlsafe(48))\"`")
        self.variable = variable
