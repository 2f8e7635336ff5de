"""Errors the emulator answers with; the dispatcher turns each into its wire shape in one place."""

from __future__ import annotations


class EmulatorError(Exception):
    """Base error: a class-level HTTP status and message, overridable per instance.

    ``wire_status`` is what goes in the body's ``status`` field; it equals
    ``status`` except where the real server sends a string.
    """

    status: int = 500
    message: str = "Internal server error."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or type(self).message

    @property
    def wire_status(self) -> int | str:
        """The value of ``status`` inside the JSON error body."""
        return self.status


class MissingBearerHeader(EmulatorError):
    """No ``Authorization: Bearer`` header; the real server sends status as the string "401"."""

    status = 401
    message = "The request is missing the Bearer Authentication header."

    @property
    def wire_status(self) -> int | str:
        """The real server quotes this one status."""
        return "401"


class NoApiAccess(EmulatorError):
    """Unknown or inactive key, or an account whose plan has no API access."""

    status = 401
    message = "You do not have access to the API."


class MissingRequiredFields(EmulatorError):
    """A required field is missing or blank on create (the real server says 401, not 400)."""

    status = 401
    message = "You must fill all the required fields."


class PlanLimitReached(EmulatorError):
    """The account's plan allows no more flows."""

    status = 401
    message = "You can't add more flows because you've reached the limit of your plan."


class ResourceNotFound(EmulatorError):
    """Unknown id, another account's id, unknown path or unsupported method."""

    status = 404
    message = "The resource you are looking for does not exist."


class RateLimited(EmulatorError):
    """The key used up its requests for the current minute."""

    status = 429
    message = "You reached the limit of requests in one minute, please wait."


class MalformedRequestBody(EmulatorError):
    """The form body could not be parsed (e.g. broken multipart)."""

    status = 400
    message = "The request body could not be parsed as form data."


class PayloadTooLarge(EmulatorError):
    """The request body is over the emulator's size limit."""

    status = 413
    message = "The request body is too large."


class InvalidAdminRequest(EmulatorError):
    """A call to the /_emulator admin surface had a bad body or parameter."""

    status = 400
    message = "Invalid admin request."


class InjectedServerError(EmulatorError):
    """A fault-injected application error (500, or 429 without a real limit)."""

    status = 500
    message = "Internal server error (injected fault)."

    def __init__(self, status: int = 500, message: str | None = None) -> None:
        super().__init__(message)
        self.status = status


class UpstreamUnavailable(EmulatorError):
    """A fault-injected gateway error (502/503) answered as an HTML page, like a proxy would."""

    status = 502
    message = "Bad Gateway"

    def __init__(self, status: int = 502) -> None:
        super().__init__("Bad Gateway" if status == 502 else "Service Unavailable")
        self.status = status


class ImageUploadFailed(EmulatorError):
    """A rejected image; the real server answers HTTP 200 with a different body shape."""

    status = 200
    message = "The image could not be uploaded."
