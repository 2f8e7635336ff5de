"""HTTP client for the pushsmm API: requests with urllib3's Retry, errors translated at one boundary.

It knows nothing about Pulumi. Retry is configured once as a value object
(:mod:`pulumi_pushsmm.retries`, re-exported here) and mounted on the session's
adapters; the retry loop lives in urllib3's connection pool, not here. Each
request's timeouts are capped at what is left of the operation's retry budget.
The API key is only ever put in the Authorization header; no message this
module builds contains it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

import requests
from urllib3.util.retry import Retry

from .configuration import check_base_url, is_loopback_host
from .errors import (  # re-exported: callers have always imported the errors from here
    PushsmmApiError,
    PushsmmConfigError,
    PushsmmConnectionError,
    PushsmmError,
    PushsmmNotFoundError,
)
from .names import DEFAULT_BASE_URL, DEFAULT_RETRY_TIMEOUT
from .retries import RETRYABLE_STATUSES, RateLimitRetry, for_host, read_retry, update_retry, write_retry
from .retry_budget import remaining as budget_remaining
from .retry_budget import retry_budget, retry_deadline
from .transport import RateLimiter, new_session

PAGE_SIZE: Final = 1000  # the largest page size pushsmm allows: fewest requests against the rate limit
DEFAULT_TIMEOUT: Final = (10.0, 60.0)  # (connect, read) seconds

UploadFile = tuple[str, bytes, str]
"""(file name, bytes, content type) of one multipart file part."""

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "PAGE_SIZE",
    "RETRYABLE_STATUSES",
    "PushsmmApiError",
    "PushsmmClient",
    "PushsmmConfigError",
    "PushsmmConnectionError",
    "PushsmmError",
    "PushsmmNotFoundError",
    "RateLimitRetry",
    "UploadFile",
    "check_base_url",
    "is_loopback_host",
    "read_retry",
    "update_retry",
    "write_retry",
]


class PushsmmClient:
    """A thin client for the endpoints the provider uses: websites, segments and flows.

    Every call retries within a time budget: ``retry_timeout`` seconds per call, or the
    budget of an enclosing :func:`retry_budget` block when that ends sooner.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        reads: Retry | None = None,
        writes: Retry | None = None,
        updates: Retry | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        limiter: RateLimiter | None = None,
        retry_timeout: float = DEFAULT_RETRY_TIMEOUT,
    ) -> None:
        if not api_key:
            raise PushsmmConfigError("pushsmm API key is empty")
        self.base_url = check_base_url(base_url)
        self.host = urlsplit(self.base_url).netloc
        self.retry_timeout = retry_timeout
        self._headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}
        self._timeout = timeout
        # One limiter for every session: pushsmm counts every request of the key. Pass a shared one
        # (the account session's) so that every client of the process paces together.
        self.limiter = limiter or RateLimiter()
        self._read_retry = for_host(reads or read_retry(), self.host)
        # One session per Retry, because urllib3 mounts one Retry per adapter: creates need a
        # stricter one than reads, and updates may be sent again where creates may not.
        self._reads = new_session(self.base_url, self._read_retry, self.limiter)
        self._writes = new_session(self.base_url, for_host(writes or write_retry(), self.host), self.limiter)
        self._updates = new_session(self.base_url, for_host(updates or update_retry(), self.host), self.limiter)

    def __repr__(self) -> str:
        return f"PushsmmClient(base_url={self.base_url!r})"  # never the key

    def close(self) -> None:
        """Close the underlying connections."""
        self._reads.close()
        self._writes.close()
        self._updates.close()

    def backoff_seconds(self, attempt: int) -> float:
        """The reads' backoff before retry number ``attempt`` (1, 2, ...), for a caller's own retry step."""
        retry = self._read_retry
        if attempt < 1 or not retry.backoff_factor:
            return 0.0
        return float(min(retry.backoff_max, retry.backoff_factor * (2 ** (attempt - 1))))

    # --- the one boundary where transport and API errors are translated ---------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        form: Mapping[str, str] | None = None,
        files: Mapping[str, UploadFile] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        session = self._reads if method != "POST" else self._updates if idempotent else self._writes
        url = f"{self.base_url}{path}"
        multipart: dict[str, tuple[str | None, Any] | tuple[str, bytes, str]] | None = None
        if method == "POST":
            # requests builds the multipart body; plain values become parts without a file name.
            multipart = {name: (None, value) for name, value in (form or {}).items()}
            multipart.update(dict(files or {}))
        started = time.monotonic()
        budget = contextlib.nullcontext() if retry_deadline() is not None else retry_budget(self.retry_timeout)
        with budget:
            try:
                response = session.request(
                    method,
                    url,
                    params=params,
                    files=multipart,
                    headers=self._headers,
                    timeout=self._bounded_timeout(),
                    allow_redirects=False,
                )
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                # With raise_on_status=False urllib3 hands back the last answer when retries run out,
                # so only transport failures arrive here. Say what happened, and where.
                waited = time.monotonic() - started
                raise PushsmmConnectionError(method, path, self._describe(exc, waited)) from None
        return self._parse(method, path, response)

    def _bounded_timeout(self) -> tuple[float, float]:
        """The (connect, read) timeouts, each at most what is left of the operation's retry budget."""
        left = budget_remaining()
        if left is None:
            return self._timeout
        left = max(left, 0.1)
        return min(self._timeout[0], left), min(self._timeout[1], left)

    def _describe(self, exc: Exception, waited: float, host: str | None = None) -> str:
        """What a transport failure was, in words, naming the host (of the base URL by default; never the key)."""
        host = host or self.host
        text = str(exc).lower()
        if isinstance(exc, requests.exceptions.ConnectTimeout) or "connecttimeout" in text:
            what = f"connecting to {host} timed out"
        elif isinstance(exc, requests.exceptions.ReadTimeout) or "read timed out" in text:
            what = f"{host} accepted the connection but sent no answer in time"
        elif "name or service not known" in text or "nodename nor servname" in text or "resolution" in text:
            what = f"the host name {host} could not be resolved"
        elif "refused" in text:
            what = f"{host} refused the connection (is the server running, and is the base URL right?)"
        elif "remotedisconnected" in text or "aborted" in text or "reset" in text or "closed" in text:
            what = f"{host} closed the connection without answering"
        elif isinstance(exc, requests.exceptions.SSLError) or "ssl" in text or "certificate" in text:
            what = f"the TLS handshake with {host} failed"
        else:
            what = f"{host} could not be reached ({type(exc).__name__})"
        return f"{what}; gave up after {waited:.0f} s of retries"

    @staticmethod
    def _parse(method: str, path: str, response: requests.Response) -> Any:
        status = response.status_code
        if 300 <= status < 400:
            where = response.headers.get("Location", "elsewhere")
            raise PushsmmApiError(
                method, path, status, f"redirected to {where}: the pushsmm API may be switched off for this site"
            )
        body: Any = None
        not_json = ""
        if response.content:
            try:
                body = response.json()
            except ValueError:
                not_json = f"expected JSON, got {response.headers.get('Content-Type', 'unknown content')}"
        if status >= 400:
            error_class = PushsmmNotFoundError if status == 404 else PushsmmApiError
            message = _api_message(body) or not_json or response.reason or "error"
            if status == 429:
                message += ("; the rate limit was still exhausted when the retry time ran out. Wait a minute and "
                            "run again, or give retries more time with pushsmm:retryTimeout")
            elif status >= 500:
                message += "; pushsmm kept failing until the retry time ran out. Run again later"
            raise error_class(method, path, status, message)
        if not_json:
            raise PushsmmApiError(method, path, status, not_json)
        if isinstance(body, dict) and body.get("status") == "error":
            # A failed image upload answers 200 with {"message": [...], "status": "error"}.
            raise PushsmmApiError(method, path, status, _api_message(body) or "the API reported an error")
        return body

    # --- endpoints ------------------------------------------------------------------------------------

    def list_page(self, path: str, page: int, params: Mapping[str, Any] | None = None,
                  ) -> tuple[list[dict[str, Any]], int]:
        """One page of a list endpoint at the largest page size: its items, and how many pages the list has.

        The one paginator. pushsmm's meta says ``total_pages``; the published reference shows
        ``total``, and some releases send ``total_results``: any of them gives the page count. With
        none, a full page means there may be another.
        """
        body = self._request("GET", path, params={**(params or {}), "page": page, "results_per_page": PAGE_SIZE})
        items = list(body.get("data") or []) if isinstance(body, dict) else []
        meta = (body.get("meta") or {}) if isinstance(body, dict) else {}
        total_pages = meta.get("total_pages")
        if total_pages is None:
            total = meta.get("total_results", meta.get("total"))
            total_pages = -(-int(total) // PAGE_SIZE) if total is not None else page + (len(items) >= PAGE_SIZE)
        return items, int(total_pages)

    def iter_pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Yield every item of a list endpoint, following :meth:`list_page` lazily."""
        page = 1
        while True:
            items, total_pages = self.list_page(path, page, params)
            yield from items
            if page >= total_pages or not items:
                return
            page += 1

    def list_websites(self) -> list[dict[str, Any]]:
        """Every website of the account."""
        return list(self.iter_pages("/websites"))

    def list_segments(self) -> list[dict[str, Any]]:
        """Every segment of the account."""
        return list(self.iter_pages("/segments"))

    def list_flows(self, website_id: int | None = None) -> list[dict[str, Any]]:
        """Every flow of the account, or of one website.

        Older pushsmm releases ignore the ``website_id`` filter, so it is applied here as well.
        """
        params = {"website_id": website_id} if website_id is not None else None
        flows = self.iter_pages("/flows", params)
        return [f for f in flows if website_id is None or int(f.get("website_id") or 0) == website_id]

    def list_flows_page(self, page: int) -> tuple[list[dict[str, Any]], int]:
        """One page of the account's flows (see :meth:`list_page`)."""
        return self.list_page("/flows", page)

    def get_flow(self, flow_id: int | str) -> dict[str, Any]:
        """One flow; raises PushsmmNotFoundError when it does not exist."""
        return _data(self._request("GET", f"/flows/{flow_id}"), "GET", f"/flows/{flow_id}")

    def create_flow(self, form: Mapping[str, str], image: UploadFile | None = None) -> dict[str, Any]:
        """POST a new flow, with its image as the multipart ``image`` part; returns the whole stored flow.

        Sent once: a 5xx or a lost answer raises, and the caller must find out whether the flow was
        stored before creating it again.
        """
        files = {"image": image} if image else None
        data = _data(self._request("POST", "/flows", form=form, files=files), "POST", "/flows")
        return self._whole_flow(data)

    def update_flow(
        self,
        flow_id: int | str,
        form: Mapping[str, str],
        *,
        image: UploadFile | None = None,
        remove_image: bool = False,
    ) -> dict[str, Any]:
        """POST changed fields of a flow (a new image, or removing it); returns the whole stored flow.

        Retried like a read: an update only sets fields, so sending it again is harmless.
        """
        path = f"/flows/{flow_id}"
        fields = dict(form)
        if remove_image and not image:
            fields["image_remove"] = "1"
        files = {"image": image} if image else None
        data = _data(self._request("POST", path, form=fields, files=files, idempotent=True), "POST", path)
        return self._whole_flow(data)

    def download(self, url: str) -> bytes:
        """The bytes at a public URL, such as a flow's ``image_url``; sent without the API key."""
        started = time.monotonic()
        try:
            response = self._reads.get(url, timeout=self._bounded_timeout(), allow_redirects=True)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            waited = time.monotonic() - started
            raise PushsmmConnectionError("GET", url, self._describe(exc, waited, urlsplit(url).netloc)) from None
        if response.status_code >= 400:
            raise PushsmmApiError("GET", url, response.status_code, response.reason or "error")
        return response.content

    def delete_flow(self, flow_id: int | str) -> None:
        """Delete a flow; raises PushsmmNotFoundError when it does not exist."""
        self._request("DELETE", f"/flows/{flow_id}")

    def _whole_flow(self, data: dict[str, Any]) -> dict[str, Any]:
        # pushsmm answers a write with the whole flow; its reference documents only {"id"}. Fetch only then.
        if "website_id" in data and "settings" in data:
            return data
        return self.get_flow(data["id"])


def _api_message(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return "; ".join(str(e.get("title", "")) for e in errors if isinstance(e, dict))
    message = body.get("message")
    if isinstance(message, list):
        return "; ".join(str(m) for m in message)
    return str(message) if message else ""


def _data(body: Any, method: str, path: str) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise PushsmmApiError(method, path, 200, "the answer has no data object")
    data: dict[str, Any] = body["data"]
    return data
