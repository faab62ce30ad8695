"""Broken contracts give located errors: exact file, line, column, field path and message."""

# ruff: noqa: E501  (the expected messages are compared whole; wrapping them would hide them)

from __future__ import annotations

import pytest

from revalign.contract.loader import parse_contract
from revalign.errors import ContractError

# A small valid contract; the expected line numbers below point into it.
MINIMAL = """\
name: Test Co
currency: USD
stages: {lead: a person, mql: fits and acts}
scoring:
  mql_threshold: 60
  fit:
    employees:
      - {min: 50, max: 500, points: 25}
  behaviour:
    demo_request: {points: 40}
qualification:
  framework: bant
  sal_reject_reasons: [wrong_size]
  disqualify_reasons: [no_budget]
  lost_reasons: [price]
  cadence: {min_touches: 6, window_days: 14, channels: [call, email]}
teams:
  - id: apac
    name: APAC
    manager: maya
    working_hours: {start: "09:00", end: "17:00"}
    holidays_country: ID
    reps:
      - {id: maya, name: Maya, timezone: Asia/Jakarta}
      - id: budi
        name: Budi
        timezone: Asia/Jakarta
routing:
  rules:
    - {name: apac, when: {country_in: [ID]}, team: apac}
  fallback_team: apac
slas:
  route_minutes: 5
  sal_review_hours: 8
  first_contact_high_intent_hours: 4
  first_contact_standard_hours: 24
  disposition_days: 14
  capacity_notice_days: 30
  mql_to_sql_good: 0.4
  mql_to_sql_bad: 0.2
  sal_acceptance_min: 0.6
  pipeline_coverage_min: 3
  pipeline_coverage_max: 5
escalation:
  - {level: ops, window_days: 7, min_breaches: 1, notify: [sales_ops]}
targets:
  revenue_per_quarter: {"2027Q1": 1000}
"""
# (case id, text to replace in MINIMAL, replacement, every expected issue in file order)
CASES = [
    (
        "yaml_syntax",
        "  mql_threshold: 60\n",
        "  mql_threshold: [60\n",
        [
            "revalign.yaml:6:6: (syntax): expected ',' or ']', but got ':' (while parsing a flow sequence)"
        ],
    ),
    (
        "missing_field",
        "currency: USD\n",
        "",
        ["revalign.yaml:1:1: currency: field required"],
    ),
    (
        "wrong_type",
        "mql_threshold: 60",
        "mql_threshold: sixty",
        [
            "revalign.yaml:5:18: scoring.mql_threshold: Input should be a valid number, unable to parse string as a number"
        ],
    ),
    (
        "unknown_key_typo",
        "  fallback_team: apac",
        "  fallback_teem: apac",
        [
            "revalign.yaml:29:3: routing.fallback_team: field required",
            "revalign.yaml:31:3: routing.fallback_teem: unknown key 'fallback_teem' (did you mean 'fallback_team'?)",
        ],
    ),
    (
        "bad_time_zone",
        "        timezone: Asia/Jakarta",
        "        timezone: Asia/Jakartaa",
        ["revalign.yaml:27:19: teams[0].reps[1].timezone: unknown time zone 'Asia/Jakartaa'"],
    ),
    (
        "end_before_start",
        'end: "17:00"',
        'end: "08:00"',
        ["revalign.yaml:21:42: teams[0].working_hours.end: end 08:00 must be after start 09:00"],
    ),
    (
        "unknown_routing_team",
        "team: apac}",
        "team: emea}",
        [
            "revalign.yaml:30:52: routing.rules[0].team: routing rule 'apac' names unknown team 'emea'"
        ],
    ),
    (
        "duplicate_key",
        "  mql_threshold: 60\n",
        "  mql_threshold: 60\n  mql_threshold: 70\n",
        [
            "revalign.yaml:6:3: scoring.mql_threshold: duplicate key 'mql_threshold' (first at line 5)"
        ],
    ),
    (
        "negative_employees",
        "{min: 50, max: 500",
        "{min: -50, max: 500",
        [
            "revalign.yaml:8:15: scoring.fit.employees[0].min: Input should be greater than or equal to 0"
        ],
    ),
    (
        "band_max_below_min",
        "{min: 50, max: 500",
        "{min: 50, max: 40",
        ["revalign.yaml:8:24: scoring.fit.employees[0].max: max (40) is below min (50)"],
    ),
    (
        "bad_above_good",
        "mql_to_sql_bad: 0.2",
        "mql_to_sql_bad: 0.5",
        [
            "revalign.yaml:40:19: slas.mql_to_sql_bad: mql_to_sql_bad (0.5) must not exceed mql_to_sql_good (0.4)"
        ],
    ),
    (
        "bad_quarter_key",
        '"2027Q1"',
        '"2027Q5"',
        [
            "revalign.yaml:47:25: targets.revenue_per_quarter[\"2027Q5\"]: quarter '2027Q5' must look like 2027Q1"
        ],
    ),
    (
        "bad_framework",
        "framework: bant",
        "framework: spin",
        ["revalign.yaml:12:14: qualification.framework: Input should be 'bant' or 'meddic'"],
    ),
    (
        "duplicate_rep_id",
        "      - id: budi",
        "      - id: maya",
        [
            "revalign.yaml:25:13: teams[0].reps[1].id: duplicate rep id 'maya' (first at teams[0].reps[0])"
        ],
    ),
    (
        "manager_not_a_rep",
        "manager: maya",
        "manager: rina",
        ["revalign.yaml:20:14: teams[0].manager: manager 'rina' is not one of the team's reps"],
    ),
    (
        "unknown_holidays_country",
        "holidays_country: ID",
        "holidays_country: XX",
        [
            "revalign.yaml:22:23: teams[0].holidays_country: no public holidays for country 'XX' (use an ISO code: ID, US)"
        ],
    ),
    (
        "unknown_key_in_list_item",
        "timezone: Asia/Jakarta}",
        "timezone: Asia/Jakarta, tz: WIB}",
        ["revalign.yaml:24:56: teams[0].reps[0].tz: unknown key 'tz'"],
    ),
    (
        "bad_weekday",
        'end: "17:00"}',
        'end: "17:00", days: [mon, funday]}',
        [
            "revalign.yaml:21:63: teams[0].working_hours.days[1]: Input should be 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun'"
        ],
    ),
    (
        "section_not_a_mapping",
        "  cadence: {min_touches: 6, window_days: 14, channels: [call, email]}",
        "  cadence: 6",
        ["revalign.yaml:16:12: qualification.cadence: expected a mapping of fields, got int 6"],
    ),
    (
        "two_errors_at_once",
        "mql_threshold: 60",
        "mql_threshold: sixty\n  mql_treshold: 1",
        [
            "revalign.yaml:5:18: scoring.mql_threshold: Input should be a valid number, unable to parse string as a number",
            "revalign.yaml:6:3: scoring.mql_treshold: unknown key 'mql_treshold' (did you mean 'mql_threshold'?)",
        ],
    ),
    (
        "unknown_signal",
        "    demo_request: {points: 40}",
        "    demo_requst: {points: 40}",
        [
            "revalign.yaml:10:5: scoring.behaviour.demo_requst: unknown signal 'demo_requst' (did you mean 'demo_request'?)"
        ],
    ),
    (
        "unknown_fallback_team",
        "  fallback_team: apac",
        "  fallback_team: emea",
        ["revalign.yaml:31:18: routing.fallback_team: unknown team 'emea'"],
    ),
    (
        "absence_ends_before_it_starts",
        "        timezone: Asia/Jakarta\n",
        "        timezone: Asia/Jakarta\n        out_of_office: [{start: 2026-12-20, end: 2026-12-01}]\n",
        [
            "revalign.yaml:28:50: teams[0].reps[1].out_of_office[0].end: end (2026-12-01) is before start (2026-12-20)"
        ],
    ),
]


def broken(old: str, new: str) -> str:
    assert MINIMAL.count(old) == 1, f"{old!r} must occur once in MINIMAL"
    return MINIMAL.replace(old, new)


def errors_of(text: str) -> list[str]:
    with pytest.raises(ContractError) as caught:
        parse_contract(text, "revalign.yaml")
    return [str(issue) for issue in caught.value.issues]


def test_the_minimal_contract_is_valid() -> None:
    assert parse_contract(MINIMAL, "revalign.yaml").contract.name == "Test Co"


@pytest.mark.parametrize(
    ("old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_broken_contract_gives_exact_located_issues(
    old: str, new: str, expected: list[str]
) -> None:
    assert errors_of(broken(old, new)) == expected


def test_issue_fields_are_separate() -> None:
    with pytest.raises(ContractError) as caught:
        parse_contract(broken("timezone: Asia/Jakarta}", "timezone: Mars/Base}"), "c.yaml")
    (issue,) = caught.value.issues
    assert (issue.file, issue.line, issue.column) == ("c.yaml", 24, 42)
    assert issue.path == "teams[0].reps[0].timezone"
    assert issue.message == "unknown time zone 'Mars/Base'"


def test_every_reference_problem_is_reported_at_once() -> None:
    text = broken("team: apac}", "team: emea}").replace("manager: maya", "manager: rina")
    assert errors_of(text) == [
        "revalign.yaml:20:14: teams[0].manager: manager 'rina' is not one of the team's reps",
        "revalign.yaml:30:52: routing.rules[0].team: routing rule 'apac' names unknown team 'emea'",
    ]


def test_a_duplicate_key_is_reported_with_the_field_errors() -> None:
    text = broken("  mql_threshold: 60\n", "  mql_threshold: x\n  mql_threshold: 70\n")
    assert errors_of(text) == [
        "revalign.yaml:5:18: scoring.mql_threshold: Input should be a valid number, "
        "unable to parse string as a number",
        "revalign.yaml:6:3: scoring.mql_threshold: duplicate key 'mql_threshold' (first at line 5)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "revalign.yaml:1:1: (root): the contract is empty"),
        ("# only a comment\n", "revalign.yaml:1:1: (root): the contract is empty"),
        ("- a\n- b\n", "revalign.yaml:1:1: (root): expected a mapping of fields, got a list"),
        (
            "a: 1\n---\nb: 2\n",
            "revalign.yaml:2:1: (syntax): but found another document "
            "(expected a single document in the stream)",
        ),
    ],
)
def test_degenerate_files(text: str, expected: str) -> None:
    assert errors_of(text)[0] == expected


def test_the_message_is_one_line_per_issue() -> None:
    with pytest.raises(ContractError) as caught:
        parse_contract(
            broken("mql_threshold: 60", "mql_threshold: sixty\n  mql_treshold: 1"), "r.yaml"
        )
    assert str(caught.value).splitlines() == [str(i) for i in caught.value.issues]
