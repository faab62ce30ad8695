"""Columns of the public X Education leads that must not be learned from, and why.

The model must see only what is known when a lead arrives (before sales works it);
see docs/predictive.md for the per-column reasoning.
"""

from __future__ import annotations

from collections.abc import Mapping

XEDUCATION_EXCLUDED: Mapping[str, str] = {
    "Prospect ID": "id: unique per lead, no signal",
    "Lead Number": "id: unique per lead, no signal",
    "Tags": "leak: status tag the sales team sets after contact (e.g. 'Closed by Horizzon')",
    "Lead Quality": "leak: the salesperson's judgement after working the lead",
    "Lead Profile": "leak: a level the company assigns to the lead (e.g. 'Potential Lead', "
    "78% convert); not a form answer and not dated",
    "Asymmetrique Activity Index": "leak risk: an index assigned from activity and profile, "
    "undated; cannot prove it predates contact",
    "Asymmetrique Profile Index": "leak risk: assigned index, undated",
    "Asymmetrique Activity Score": "leak risk: assigned score, undated",
    "Asymmetrique Profile Score": "leak risk: assigned score, undated",
    "Last Activity": "leak: snapshot at export time; includes sales actions after contact "
    "('SMS Sent', 'Had a Phone Conversation', 'Converted to Lead')",
    "Last Notable Activity": "leak: same snapshot as Last Activity",
}
