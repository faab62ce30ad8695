"""/api: contract, replay, uploads, event batches, users and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from revalign.api.deps import CallerDep, RuntimeDep
from revalign.api.models import (
    ContractBody,
    EventsBody,
    PasswordBody,
    ReplayBody,
    TokenView,
    UserBody,
)
from revalign.auth.permissions import Action, require
from revalign.auth.users import User
from revalign.core.events import Event, EventType
from revalign.errors import InputError
from revalign.services import audit, contract, ingest, replay, users
from revalign.services.views import (
    AuditEntry,
    ContractCheck,
    ContractView,
    IngestView,
    Page,
    ReportView,
    SubmitView,
)

router = APIRouter(prefix="/api")
_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


@router.get("/contract", response_model=ContractView, tags=["contract"])
def get_contract(rt: RuntimeDep, caller: CallerDep) -> ContractView:
    """The contract in use (version and YAML)."""
    return contract.get(rt.contract, rt.contract_path, caller)


@router.post("/contract/validate", response_model=ContractCheck, tags=["contract"])
def validate_contract(body: ContractBody, caller: CallerDep) -> ContractCheck:
    """Check a candidate contract: every issue with its line and column."""
    return contract.validate(body.text, caller)


@router.put("/contract", response_model=ContractView, tags=["contract"])
def replace_contract(body: ContractBody, rt: RuntimeDep, caller: CallerDep) -> ContractView:
    """Replace the contract (revops, admin); an invalid one is 422 with located issues."""

    def swap(_engine: Any) -> ContractView:
        new = contract.replace(body.text, rt.contract_path, rt.contract, caller)
        rt.set_contract(new)
        return ContractView(version=new.version, text=body.text)

    return rt.locked(swap)


@router.post("/replay", response_model=ReportView, tags=["contract"])
def replay_contract(body: ReplayBody, rt: RuntimeDep, caller: CallerDep) -> ReportView:
    """Dry run: the recorded history under another contract; nothing is written."""
    return replay.replay(rt.ledger, rt.contract, body.contract, caller, body.as_of)


@router.post("/ingest/{kind}", response_model=IngestView, tags=["ingest"], openapi_extra=_UPLOAD)
async def upload(kind: str, request: Request, rt: RuntimeDep, caller: CallerDep,
                 format: Annotated[str, Query(pattern="^(csv|jsonl)$")] = "csv",
                 source: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
                 ) -> IngestView:  # fmt: skip
    """Upload a CSV or JSONL file of one ingest kind; the answer lists the rejected rows."""
    require(caller, ingest.kind_action(kind))
    data = await request.body()
    if not data.strip():
        raise InputError("the upload is empty")
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(
        rt.locked, lambda e: ingest.upload(e, caller, kind, data, fmt=format, source=source)
    )


def _event(i: int, body: Any) -> Event:
    try:
        kind = EventType(body.type)
    except ValueError:
        raise InputError(f"events[{i}].type: unknown event type {body.type!r}") from None
    return Event(type=kind, source=body.source, source_id=body.source_id,
                 occurred_at=body.occurred_at, lead_id=body.lead_id,
                 account_id=body.account_id, opportunity_id=body.opportunity_id,
                 payload=body.payload)  # fmt: skip


@router.post("/events", response_model=SubmitView, tags=["ingest"])
def submit_events(body: EventsBody, rt: RuntimeDep, caller: CallerDep) -> SubmitView:
    """A batch of source facts, idempotent by (source, source_id)."""
    require(caller, Action.INGEST)
    events = [_event(i, e) for i, e in enumerate(body.events)]
    return rt.locked(lambda e: ingest.submit_events(e, caller, events))


@router.get("/users", response_model=list[User], tags=["users"])
def list_users(rt: RuntimeDep, caller: CallerDep) -> list[User]:
    """Every user (admin, revops)."""
    return users.list_users(rt.users, caller)


@router.post("/users", response_model=TokenView, status_code=201, tags=["users"])
def add_user(body: UserBody, rt: RuntimeDep, caller: CallerDep) -> TokenView:
    """Add a user; the token is in this answer only."""
    user, token = users.add_user(rt.users, caller, body.name, body.role, rep_id=body.rep_id,
                                 team=body.team, password=body.password)  # fmt: skip
    return TokenView(user=user.name, role=user.role.value, token=token)


@router.post("/users/{name}/disable", response_model=User, tags=["users"])
def disable_user(name: str, rt: RuntimeDep, caller: CallerDep) -> User:
    return users.disable_user(rt.users, caller, name)


@router.post("/users/{name}/rotate", response_model=TokenView, tags=["users"])
def rotate_user(name: str, rt: RuntimeDep, caller: CallerDep) -> TokenView:
    user, token = users.rotate_user(rt.users, caller, name)
    return TokenView(user=user.name, role=user.role.value, token=token)


@router.post("/users/{name}/password", response_model=User, tags=["users"])
def set_password(name: str, body: PasswordBody, rt: RuntimeDep, caller: CallerDep) -> User:
    return users.set_password(rt.users, caller, name, body.password)


@router.get("/audit", response_model=Page[AuditEntry], tags=["audit"])
def audit_log(rt: RuntimeDep, caller: CallerDep,
              user: Annotated[str | None, Query(max_length=100)] = None,
              role: Annotated[str | None, Query(max_length=40)] = None,
              type: Annotated[str | None, Query(max_length=64)] = None,
              lead_id: Annotated[str | None, Query(max_length=200)] = None,
              cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Page[AuditEntry]:  # fmt: skip
    """Who did which write: filters combine; `cursor` is the last seq seen."""
    return audit.list_audit(rt.ledger, caller, user=user, role=role, type=type,
                            lead_id=lead_id, after_seq=cursor, limit=limit)  # fmt: skip
