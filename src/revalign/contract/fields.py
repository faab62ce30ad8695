"""The lead fields a contract's `slas.required_fields` may name, without importing the core.

Validating a contract must not build the event payload models (~0.1 s) nor import the fold
(~0.1 s) only to learn these names; `tests/test_contract_fields.py` checks them against
`core.payloads.LeadCaptured`, which stays the definition of a lead's fields.
"""

from __future__ import annotations

# `LeadCaptured`'s fields except `attributes` (named one by one as "attributes.<name>")
LEAD_FIELDS = ("email", "first_name", "last_name", "title", "company", "domain", "employees",
               "industry", "country", "source", "campaign")  # fmt: skip
# Names `required_fields` may use beside the lead's own fields (see core.sla_checks).
BEHAVIOUR = "behaviour_history"
ATTRIBUTE_PREFIX = "attributes."
