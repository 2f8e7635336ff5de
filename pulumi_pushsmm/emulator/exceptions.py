"""Errors the emulator answers with; the dispatcher turns each into its wire shape in one place."""

from __future__ import annotations


class EmulatorError(Exception):
    """Base error: a class-level HTTP status and message, overridable per instance.

    A subclass names its own in the class line, ``class X(EmulatorError,
    status=404, message="...")``. ``wire_status`` is what goes in the body's
    ``status`` field; it equals ``status`` except where the real server sends a
    string.
    """

    status: int = 500
    message: str = "Internal server error."

    def __init_subclass__(cls, *, status: int | None = None, message: str | None = None) -> None:
        super().__init_subclass__()
        if status is not None:
            cls.status = status
        if message is not None:
            cls.message = message

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or type(self).message

    @property
    def wire_status(self) -> int | str:
        """The value of ``status`` inside the JSON error body."""
        return self.status


class MissingBearerHeader(
    EmulatorError, status=401, message="The request is missing the Bearer Authentication header."
):
    """No ``Authorization: Bearer`` header; the real server sends status as the string "401"."""

    @property
    def wire_status(self) -> int | str:
        """The real server quotes this one status."""
        return "401"


class NoApiAccess(EmulatorError, status=401, message="You do not have access to the API."):
    """Unknown or inactive key, or an account whose plan has no API access."""


class MissingRequiredFields(EmulatorError, status=401, message="You must fill all the required fields."):
    """A required field is missing or blank on create (the real server says 401, not 400)."""


class PlanLimitReached(
    EmulatorError, status=401, message="You can't add more flows because you've reached the limit of your plan."
):
    """The account's plan allows no more flows."""


class ResourceNotFound(EmulatorError, status=404, message="The resource you are looking for does not exist."):
    """Unknown id, another account's id, unknown path or unsupported method."""


class RateLimited(EmulatorError, status=429, message="You reached the limit of requests in one minute, please wait."):
    """The key used up its requests for the current minute."""


class MalformedRequestBody(EmulatorError, status=400, message="The request body could not be parsed as form data."):
    """The form body could not be parsed (e.g. broken multipart)."""


class PayloadTooLarge(EmulatorError, status=413, message="The request body is too large."):
    """The request body is over the emulator's size limit."""


class InvalidAdminRequest(EmulatorError, status=400, message="Invalid admin request."):
    """A call to the /_emulator admin surface had a bad body or parameter."""


class InjectedServerError(EmulatorError, status=500, message="Internal server error (injected fault)."):
    """A fault-injected application error (500, or 429 without a real limit)."""

    def __init__(self, status: int = 500, message: str | None = None) -> None:
        super().__init__(message)
        self.status = status


class UpstreamUnavailable(EmulatorError, status=502, message="Bad Gateway"):
    """A fault-injected gateway error (502/503) answered as an HTML page, like a proxy would."""

    def __init__(self, status: int = 502) -> None:
        super().__init__("Bad Gateway" if status == 502 else "Service Unavailable")
        self.status = status


class ImageUploadFailed(EmulatorError, status=200, message="The image could not be uploaded."):
    """A rejected image; the real server answers HTTP 200 with a different body shape."""
