"""Response models shared by the API areas."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    status: int
    code: str = Field(examples=["AISEC-E601"])
    message: str
    hint: str | None = None
    details: list[dict[str, object]] | None = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody


class Done(BaseModel):
    ok: bool = True


# Every route may answer with these; declared so that the schema lists them.
ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorEnvelope, "description": "a value is not understood"},
    401: {"model": ErrorEnvelope, "description": "no valid session or API key"},
    403: {"model": ErrorEnvelope, "description": "the role may not, or no CSRF token"},
    422: {"model": ErrorEnvelope, "description": "the request is invalid"},
}
NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorEnvelope, "description": "no such record"}
}
CONFLICT: dict[int | str, dict[str, object]] = {
    409: {"model": ErrorEnvelope, "description": "the record is invalid or conflicts"}
}
