"""What the API answers, as pydantic models: ninja validates every answer against them and the
OpenAPI schema (/api/v1/openapi.json) describes them."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import AwareDatetime, Field

from intake.services.answers import FIRM_STATUS_GROUPS

# The statuses as the firm's inbox names them (a match pending or failed email delivery is
# "new" there too): what a firm's system files a request under.
FirmStatus = Literal[tuple(FIRM_STATUS_GROUPS)]


MAX_PER_PAGE = 100
# Far beyond any firm's requests: a page number that is not a mistake fits under it.
MAX_PAGE = 100_000


class MatchFilters(Schema):
    status: FirmStatus | None = Field(None, description="Only requests in this status.")
    # A moment without a time zone would be read in the server's: refused rather than guessed.
    updated_since: AwareDatetime | None = Field(
        None, description="Only requests whose updated_at is at or after this moment (ISO 8601, with a time zone)."
    )
    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE)


class Error(Schema):
    detail: str | list[dict] = Field(description="What went wrong; for invalid input, one entry per field.")


class TokenInfo(Schema):
    name: str
    prefix: str = Field(description="The part of the token after lzk_: which token this is, not a secret.")


class FirmInfo(Schema):
    slug: str
    name: str
    token: TokenInfo


class Details(Schema):
    """The request's details as the firm was sent them (in the language it read them in)."""

    practice_area: str | None = None
    city: str | None = None
    urgency: str | None = None
    budget: str | None = None
    preferred_language: str | None = None
    client_type: str | None = None


class Quote(Schema):
    fee_model: str = Field(description="flat, hourly, range or on_request")
    amount_min: str | None = Field(description='A decimal number as text, e.g. "1200.00".')
    amount_max: str | None
    currency: str
    covers: str


class Answer(Schema):
    message: str = Field(description="The firm's message to the client.")
    quote: Quote | None


class Contact(Schema):
    name: str
    email: str
    phone: str


class Match(Schema):
    """One request matched to the firm, as its portal shows it."""

    public_id: UUID = Field(description="The request's reference, as in the portal's address for it.")
    status: FirmStatus
    available: bool = Field(
        description="False once the firm declined or returned it, the client withdrew it or it was erased: "
        "then only the status, place, practice area and dates are given, and GET /matches/{public_id} is a 404."
    )
    practice_area: str
    city: str
    received_at: datetime
    delivered_at: datetime | None
    viewed_at: datetime | None
    answered_at: datetime | None
    answer_by: datetime | None = Field(description="When an unanswered request expires.")
    expired_at: datetime | None = Field(description="When it expired unanswered.")
    contact_released_at: datetime | None
    updated_at: datetime = Field(
        description="The latest of the dates above and of the client's withdrawal or erasure: "
        "poll with updated_since to learn of every change, an expiry included."
    )
    summary: str | None = Field(description="The summary the firm was sent: shortened, contact details hidden.")
    details: Details | None
    description: str | None = Field(
        description="Once accepted: the whole description, contact details hidden until the client released them."
    )
    answer: Answer | None = Field(description="The firm's answer, once accepted.")
    contact: Contact | None = Field(description="Only once the client gave their contact details to this firm.")


class MatchPage(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    items: list[Match]
