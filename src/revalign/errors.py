"""The one error tree of revalign.

RevalignError                 root; never raised directly
├── UserError                 the user can fix it: exit code 2 / HTTP 4xx, one clear line
│   ├── ContractError         the revenue contract is invalid; carries located issues
│   ├── InputError            a bad file, row or argument
│   ├── IllegalTransition     the funnel refuses the move (SQL before SAL, early disqualify…)
│   ├── NotFound              no such lead / opportunity / rep
│   ├── Forbidden             the role may not do this
│   ├── Unauthorized          no caller: missing, wrong or disabled token / password
│   ├── Conflict              already exists / already seen (user name, webhook delivery)
│   ├── MissingExtra          an optional extra (spark…) is not installed; says which
│   └── DatabaseError         the ledger database cannot be used as given: unreachable,
│       │                     refused credentials, no permission, not a revalign ledger,
│       │                     a schema newer (or, for reads, older) than this version
│       └── LedgerMissing     no ledger there, and a read command never creates one
└── InternalError             our bug or an unreachable backend: exit 1 / HTTP 5xx, logged
    └── StorageError          a driver error translated at the ledger edge
"""

from __future__ import annotations

from dataclasses import dataclass


class RevalignError(Exception):
    """Root of every error revalign raises on purpose."""


class UserError(RevalignError):
    """Something the user can fix; shown as one line, exit code 2."""

    exit_code = 2
    http_status = 422  # the API's status for this kind; subclasses narrow it


@dataclass(frozen=True)
class Issue:
    """One located problem in a file: where it is and what is wrong."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.path}: {self.message}"


class ContractError(UserError):
    """The contract file is invalid; `issues` lists every problem with its location."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class InputError(UserError):
    """A bad input file, row or argument."""


class IllegalTransition(UserError):
    """The funnel refuses this move; the message says why and what is allowed."""


class NotFound(UserError):
    """The named lead, opportunity or rep does not exist."""

    http_status = 404


class Forbidden(UserError):
    """The caller's role may not do this."""

    http_status = 403


class Unauthorized(UserError):
    """No valid caller: the token or password is missing, wrong, or its user is disabled."""

    http_status = 401


class Conflict(UserError):
    """The thing already exists or was already seen (a user name, a webhook delivery id)."""

    http_status = 409


class MissingExtra(UserError):
    """An optional dependency group is not installed; the message names the pip command."""

    http_status = 501

    def __init__(self, what: str, extra: str) -> None:
        self.extra = extra
        super().__init__(f"{what} needs the {extra} extra: pip install 'revalign[{extra}]'")


class DatabaseError(UserError):
    """The ledger database cannot be used as given (the user can fix the URL, the server,
    the credentials, the permissions or the schema version)."""

    http_status = 503  # the server's ledger, not the request, is at fault


class LedgerMissing(DatabaseError):
    """There is no ledger at the URL; read commands refuse instead of creating one."""


class InternalError(RevalignError):
    """A bug or an unreachable backend; exit code 1."""

    exit_code = 1
    http_status = 500


class StorageError(InternalError):
    """A database driver error, translated at the ledger edge."""
