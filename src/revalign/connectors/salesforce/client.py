"""Salesforce through `simple-salesforce`: SOQL pages, composite updates, limits, re-login.

    client = SalesforceClient(login)      # login() -> a simple_salesforce.Salesforce
    for records in client.query(soql, include_deleted=True): ...

Errors arrive as the REST error array `[{"message", "errorCode", "fields"}]`:
INVALID_SESSION_ID logs in again once (a new `login()`), REQUEST_LIMIT_EXCEEDED and 5xx
back off, anything else is a SyncError naming the code. Every answer's `Sforce-Limit-Info`
(simple-salesforce keeps it as `api_usage`) is checked: past `reserve` of the daily limit
the sync stops with its progress saved, leaving the rest of the day's calls to the org.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError

from revalign.connectors.sync.retry import RateLimited, Retry, SessionExpired, SyncError, Transient

T = TypeVar("T")
VERSION = "59.0"
COMPOSITE = 200  # records per composite/sobjects request


def _errors(content: Any) -> list[Mapping[str, Any]]:
    if isinstance(content, list):
        return [e for e in content if isinstance(e, Mapping)]
    if isinstance(content, Mapping):
        return [content]
    return []


def _describe(errors: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(
        f"{e.get('errorCode') or e.get('statusCode')}: {e.get('message')}"
        + (f" ({', '.join(e['fields'])})" if e.get("fields") else "")
        for e in errors
    )


def translated(exc: SalesforceError, what: str) -> Exception:
    errors = _errors(exc.content)
    codes = {str(e.get("errorCode")) for e in errors}
    text = _describe(errors) or str(exc.content)[:200]
    if "INVALID_SESSION_ID" in codes or exc.status == 401:
        return SessionExpired(f"{what}: {text}")
    if "REQUEST_LIMIT_EXCEEDED" in codes:
        return RateLimited(f"{what}: {text}")
    if exc.status >= 500 or exc.status == 429:
        return Transient(f"{what}: Salesforce answered {exc.status}: {text}")
    if exc.status == 403:
        return SyncError(f"{what}: refused (a permission is missing): {text}")
    return SyncError(f"{what}: {text}")


class SalesforceClient:
    def __init__(
        self, login: Callable[[], Salesforce], retry: Retry | None = None, reserve: float = 0.95
    ) -> None:
        self._login = login
        self.sf = login()
        self.retry = retry or Retry()
        self.retry.relogin = self.relogin
        self.reserve = reserve
        self.logins = 1

    def relogin(self) -> None:
        self.sf = self._login()
        self.logins += 1

    def _call(self, what: str, fn: Callable[[Salesforce], T]) -> T:
        def attempt() -> T:
            try:
                out = fn(self.sf)
            except SalesforceError as exc:
                raise translated(exc, what) from None
            except requests.RequestException as exc:
                raise Transient(f"{what}: {type(exc).__name__}") from None
            self._check_usage()
            return out

        return self.retry.call(what, attempt)

    def _check_usage(self) -> None:
        usage = self.sf.api_usage.get("api-usage")
        if usage is not None and usage.total and usage.used >= self.reserve * usage.total:
            raise SyncError(
                f"Salesforce API usage {usage.used}/{usage.total} (Sforce-Limit-Info) is past "
                f"{self.reserve:.0%} of the daily limit: the sync stopped, its progress is saved"
            )

    def query(self, soql: str, *, include_deleted: bool = False) -> Iterator[list[dict[str, Any]]]:
        """Pages of records, following nextRecordsUrl."""
        page = self._call("query", lambda sf: sf.query(soql, include_deleted=include_deleted))
        while True:
            yield [dict(r) for r in page.get("records", [])]
            nxt = page.get("nextRecordsUrl")
            if page.get("done", True) or not nxt:
                return
            page = self._call("query more", _more(str(nxt)))

    def update(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """PATCH composite/sobjects (allOrNone false): one result per record, in order."""
        body = {"allOrNone": False, "records": list(records)}
        out = self._call(
            "update",
            lambda sf: sf.restful("composite/sobjects", method="PATCH", json=body),
        )
        return [dict(r) for r in out or []]

    def patch(self, obj: str, record_id: str, fields: Mapping[str, Any]) -> None:
        """PATCH sobjects/X/{id}: one record (used when only one needs writing)."""
        self._call("update", lambda sf: getattr(sf, obj).update(record_id, dict(fields)))

    def describe(self, obj: str) -> dict[str, Any]:
        return dict(self._call(f"describe {obj}", lambda sf: getattr(sf, obj).describe()))


def _more(url: str) -> Callable[[Salesforce], Any]:
    return lambda sf: sf.query_more(url, identifier_is_url=True)


def login_from(
    settings: Mapping[str, str], session: requests.Session | None = None
) -> Callable[[], Salesforce]:
    """A login from the settings (see connectors/sync/settings.py): session id, or username,
    password and security token (simple-salesforce's SOAP login)."""

    def login() -> Salesforce:
        try:
            return _login(settings, session)
        except SalesforceAuthenticationFailed as exc:
            raise SyncError(f"Salesforce refused the login: {exc.message}") from None

    return login


def _login(settings: Mapping[str, str], session: requests.Session | None) -> Salesforce:
    if settings.get("username") and settings.get("consumer_key"):
        return Salesforce(  # the OAuth 2.0 JWT bearer flow of a connected app
            username=settings["username"],
            consumer_key=settings["consumer_key"],
            privatekey_file=settings.get("private_key_file"),
            domain=settings.get("domain") or None,
            version=VERSION,
            session=session,
        )
    if settings.get("username"):
        return Salesforce(
            username=settings["username"],
            password=settings.get("password", ""),
            security_token=settings.get("security_token", ""),
            domain=settings.get("domain") or None,
            version=VERSION,
            session=session,
        )
    if settings.get("session_id") and settings.get("instance_url"):
        return Salesforce(
            instance_url=settings["instance_url"],
            session_id=settings["session_id"],
            version=VERSION,
            session=session,
        )
    raise SyncError(
        "Salesforce credentials missing: set REVALIGN_SALESFORCE_INSTANCE_URL and "
        "REVALIGN_SALESFORCE_SESSION_ID, or REVALIGN_SALESFORCE_USERNAME, _PASSWORD and "
        "_SECURITY_TOKEN"
    )
