"""A foreign record translated into revalign's field names: what the shared translator reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Kind = Literal["lead", "account", "opportunity", "touch", "marketing", "stage"]
Ref = tuple[str, str]  # (foreign object, foreign id), e.g. ("Contact", "003...")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One foreign record as of `modified_at`.

    `fields` use revalign names (email, title, owner, stage, amount, close_date, kind, ...);
    `links` name related foreign records: account, lead, opportunity, and for a converted
    Salesforce lead converted_contact / converted_account / converted_opportunity.
    `merged` lists foreign records folded into this one (duplicates merged in the system).
    """

    system: str
    object: str
    id: str
    kind: Kind
    modified_at: datetime
    fields: Mapping[str, Any] = field(default_factory=dict)
    links: Mapping[str, Ref] = field(default_factory=dict)
    merged: tuple[Ref, ...] = ()
    deleted: bool = False

    @property
    def ref(self) -> Ref:
        return (self.object, self.id)
