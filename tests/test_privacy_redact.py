"""The pure half of erasure: payload redaction and the fold of person.erased."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from _lifecycle import FIT_LEAD, MONDAY, Funnel, T
from revalign.contract.loader import default_contract
from revalign.core.erasure import ERASED, matcher, personal_values, redact_payload
from revalign.core.events import EventType

PERSON = {**FIT_LEAD, "first_name": "Dewi", "last_name": "Lestari",
          "attributes": {"phone": "+62 812 555 0101", "linkedin": "in/dewi-l"}}  # fmt: skip
PATTERN = matcher(personal_values(PERSON))


def test_lead_facts_keep_only_firmographics() -> None:
    out = redact_payload("lead.captured", PERSON, PATTERN)
    assert out == {
        "email": "", "company": "Acme", "employees": 120, "industry": "software",
        "country": "ID", "source": "paid_social", "attributes": {},
    }  # fmt: skip
    changes = {"changes": {"phone": "1", "title": "CEO", "employees": 130, "attributes": {"x": 1}}}
    assert redact_payload("lead.updated", changes, PATTERN) == {"changes": {"employees": 130}}


def test_free_text_mentioning_the_person_is_erased() -> None:
    score = {"score": 60.0, "previous": 0.0, "parts": [
        {"rule": "fit.seniority", "points": 20.0, "detail": "'Director of IT' is director"},
        {"rule": "fit.industry", "points": 10.0, "detail": "'software' is a target industry"},
    ]}  # fmt: skip
    out = redact_payload("score.changed", score, PATTERN)
    assert [p["detail"] for p in out["parts"]] == [ERASED, "'software' is a target industry"]
    assert [p["points"] for p in out["parts"]] == [20.0, 10.0]
    touch = {
        "by": "budi",
        "kind": "call",
        "note": "Called dewi LESTARI, call back",
        "outcome": "ok",
    }
    assert redact_payload("rep.touch", touch, PATTERN) == {**touch, "note": ERASED}
    # whole words only: "Dewi" inside "Dewiana" is another person's name
    kept = {"by": "budi", "kind": "call", "note": "asked for Dewiana"}
    assert redact_payload("rep.touch", kept, PATTERN) == kept


texts = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")))


@given(st.dictionaries(st.sampled_from(["note", "detail", "kind", "by", "email", "phone"]),
                       texts, max_size=6))  # fmt: skip
def test_redaction_is_idempotent_and_leaves_no_value(payload: dict[str, str]) -> None:
    payload = {k: (f"{v} {PERSON['email']}" if k in ("note", "email") else v)
               for k, v in payload.items()}  # fmt: skip
    once = redact_payload("rep.touch", payload, PATTERN)
    assert redact_payload("rep.touch", once, PATTERN) == once
    assert PERSON["email"] not in repr(once)
    assert set(once) == set(payload)
    assert once.get("kind") == payload.get("kind") and once.get("by") == payload.get("by")


def test_the_fold_blanks_the_lead_and_keeps_the_funnel() -> None:
    funnel = Funnel(default_contract())
    funnel.capture("L-1", **PERSON)
    funnel.accept("L-1", MONDAY + timedelta(hours=1))
    before = funnel.lead("L-1")
    funnel.fact(EventType.PERSON_ERASED, "L-1", MONDAY + timedelta(hours=2),
                {"by": "dpo", "fields": ["email"], "events_redacted": 3})  # fmt: skip
    after = funnel.lead("L-1")
    assert (after.email, after.first_name, after.last_name, after.title) == ("", None, None, None)
    assert after.attributes == {}
    assert (after.stage, after.score, after.owner, after.company) == (
        before.stage, before.score, before.owner, before.company,
    )  # fmt: skip
    assert [p.points for p in after.score_parts] == [p.points for p in before.score_parts]
    assert all("Director" not in p.detail for p in after.score_parts)
    assert not [u for u in funnel.state.undo.values() if u.lead_id == "L-1"]
    assert not [e for e in funnel.log if e.type is T.EVENT_REJECTED]
