"""The aisec exception tree.

Every error aisec raises on purpose derives from :class:`AisecError` and carries a
stable ``code`` (documented in ``docs/errors.md``) and a ``hint`` that tells the user
what to do next::

    AisecError                      AISEC-E000
    ├── ConfigError                 AISEC-E100  bad setting, flag or config file (exit 2)
    │   └── UsageError              AISEC-E101  bad command-line usage (exit 2)
    ├── InputError                  AISEC-E200  a path or target cannot be read (exit 2)
    ├── PluginError                 AISEC-E300  a registered check failed to load or run
    ├── AnalysisError               AISEC-E400  an analyser cannot go on with one input
    │   ├── LimitExceeded           AISEC-E401  a resource cap was reached (size, depth, time)
    │   └── MalformedInput          AISEC-E402  the input violates its format
    ├── SigningError                AISEC-E500  signing or verifying cannot be carried out
    │                                           (unusable key, Sigstore unreachable; exit 2)
    ├── StoreError                  AISEC-E600  the database cannot be opened or migrated
    │   ├── RecordNotFound          AISEC-E601  no asset, run or finding with that id or key
    │   └── InvalidRecord           AISEC-E602  a record is invalid or conflicts with one stored
    ├── AccessError                 AISEC-E700  the server refuses a request (HTTP 401/403)
    │   ├── AuthRequired            AISEC-E701  no valid session or API key (HTTP 401)
    │   └── AccessDenied            AISEC-E702  the user's role does not allow it (HTTP 403)
    ├── GatewayRefusal              AISEC-E710  the inference gateway answers instead of the model
    │   ├── RequestRefused          AISEC-E711  a request the gateway cannot read (HTTP 400/413/422)
    │   ├── BlockedByDetector       AISEC-E712  a detector's verdict blocks it (HTTP 403)
    │   ├── RateLimited             AISEC-E713  over the key's rate or quota (HTTP 429)
    │   └── UpstreamUnavailable     AISEC-E714  the model's server cannot answer (HTTP 502/503/504)
    └── TargetError                 AISEC-E800  a red-team target cannot give an answer
        ├── TargetUnavailable       AISEC-E801  no connection, a timeout, HTTP 429/5xx (retried)
        ├── TargetRefused           AISEC-E802  HTTP 4xx other than 429, a redirect (not retried)
        ├── TargetAnswerInvalid     AISEC-E803  an answer too large or not in the expected shape
        └── BudgetExhausted         AISEC-E804  the next request would pass the budget (not sent)

Analysis errors never escape a scan: the engine turns them into findings or skipped
entries for the artefact concerned, so one hostile file cannot stop a scan.
"""

from __future__ import annotations


class AisecError(Exception):
    code = "AISEC-E000"
    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class ConfigError(AisecError):
    code = "AISEC-E100"


class UsageError(ConfigError):
    code = "AISEC-E101"


class InputError(AisecError):
    code = "AISEC-E200"


class PluginError(AisecError):
    code = "AISEC-E300"


class AnalysisError(AisecError):
    code = "AISEC-E400"


class LimitExceeded(AnalysisError):
    code = "AISEC-E401"

    def __init__(self, limit: str, value: int | float, *, hint: str | None = None) -> None:
        super().__init__(f"limit {limit} reached ({value})", hint=hint)
        self.limit = limit
        self.value = value


class MalformedInput(AnalysisError):
    code = "AISEC-E402"

    def __init__(self, message: str, *, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset


class SigningError(AisecError):
    """The key, certificate or signing service cannot be used; never a verdict on the
    model (an invalid signature or changed content is a verification result, exit 1)."""

    code = "AISEC-E500"


class StoreError(AisecError):
    """The store's database cannot be used: a malformed URL, a missing driver, an
    unreachable server, a schema this version of aisec cannot migrate."""

    code = "AISEC-E600"


class RecordNotFound(StoreError):
    code = "AISEC-E601"


class InvalidRecord(StoreError):
    code = "AISEC-E602"


class AccessError(AisecError):
    """The server refuses a request: who is asking is unknown or may not do it."""

    code = "AISEC-E700"
    status = 403


class AuthRequired(AccessError):
    code = "AISEC-E701"
    status = 401


class AccessDenied(AccessError):
    code = "AISEC-E702"
    status = 403


class GatewayRefusal(AisecError):
    """The inference gateway answers a request itself instead of passing on the model's
    answer; ``status`` is the HTTP status it answers with."""

    code = "AISEC-E710"
    status = 503

    def __init__(
        self, message: str, *, hint: str | None = None, status: int | None = None,
        retry_after: float | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message, hint=hint)
        if status is not None:
            self.status = status
        self.retry_after = retry_after  # seconds, for the Retry-After header


class RequestRefused(GatewayRefusal):
    code = "AISEC-E711"
    status = 422


class BlockedByDetector(GatewayRefusal):
    code = "AISEC-E712"
    status = 403


class RateLimited(GatewayRefusal):
    code = "AISEC-E713"
    status = 429


class UpstreamUnavailable(GatewayRefusal):
    code = "AISEC-E714"
    status = 503


class TargetError(AisecError):
    """A red-team target (an LLM endpoint, an HTTP service, a Python function) cannot give
    an answer. ``status`` is the HTTP status when there is one; ``retryable`` says whether
    sending the same request again may succeed; ``retry_after`` is the server's
    Retry-After in seconds."""

    code = "AISEC-E800"
    retryable = False

    def __init__(
        self, message: str, *, hint: str | None = None, status: int | None = None,
        retry_after: float | None = None, retryable: bool | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message, hint=hint)
        self.status = status
        self.retry_after = retry_after
        if retryable is not None:
            self.retryable = retryable


class TargetUnavailable(TargetError):
    code = "AISEC-E801"
    retryable = True


class TargetRefused(TargetError):
    code = "AISEC-E802"


class TargetAnswerInvalid(TargetError):
    code = "AISEC-E803"


class BudgetExhausted(TargetError):
    code = "AISEC-E804"


ALL_ERRORS: tuple[type[AisecError], ...] = (
    AisecError,
    ConfigError,
    UsageError,
    InputError,
    PluginError,
    AnalysisError,
    LimitExceeded,
    MalformedInput,
    SigningError,
    StoreError,
    RecordNotFound,
    InvalidRecord,
    AccessError,
    AuthRequired,
    AccessDenied,
    GatewayRefusal,
    RequestRefused,
    BlockedByDetector,
    RateLimited,
    UpstreamUnavailable,
    TargetError,
    TargetUnavailable,
    TargetRefused,
    TargetAnswerInvalid,
    BudgetExhausted,
)
