"""The contract version: a hash of the validated content, blind to comments and layout."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel


def content_hash(model: BaseModel) -> str:
    """sha256 of the canonical JSON of a validated model, first 12 hex digits."""
    # Defaults are left out so a new optional field in a later release keeps old versions.
    data = model.model_dump(mode="json", exclude_defaults=True)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]
