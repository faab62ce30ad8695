"""The revenue contract: one YAML file both teams sign. This module is its schema.

Every model forbids unknown keys, so a typo is a located error rather than a silent default.
See `default.yaml` beside this file for the commented default the brief's numbers come from.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from revalign.contract.version import content_hash


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WORKWEEK: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")


def _known_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


@cache
def holiday_countries() -> frozenset[str]:
    """The country codes `holidays` supports, read from its registry: the same set as
    `holidays.list_supported_countries()` without importing 250 country modules (~1 s)."""
    return frozenset(
        code for entry in _holiday_registry().values() for code in entry[1:] if code.isupper()
    )


def _holiday_registry() -> dict[str, tuple[str, ...]]:
    """`holidays.registry.COUNTRIES`, read as a literal from the module's source: importing
    it runs the `holidays` package (its calendars, dateutil: ~0.2 s of a validation's 0.5 s).
    Any other layout of that file falls back to the import (tests check the two agree)."""
    import ast
    from importlib.util import find_spec

    spec = find_spec("holidays")
    folders = list(spec.submodule_search_locations or ()) if spec else []
    try:
        with open(f"{folders[0]}/registry.py", "rb") as source:
            tree = ast.parse(source.read())
        for node in tree.body:
            if isinstance(node, ast.AnnAssign | ast.Assign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "COUNTRIES" for t in targets):
                    assert node.value is not None
                    found = ast.literal_eval(node.value)
                    if isinstance(found, dict):
                        return found
    except (IndexError, OSError, SyntaxError, ValueError):
        pass
    from holidays.registry import COUNTRIES

    return COUNTRIES


def _known_country(value: str) -> str:
    if value not in holiday_countries():
        raise ValueError(f"no public holidays for country {value!r} (use an ISO code: ID, US)")
    return value


def _quarter(value: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}Q[1-4]", value):
        raise ValueError(f"quarter {value!r} must look like 2027Q1")
    return value


def _not_before(field: str, value: Any, info: ValidationInfo, what: str = "before") -> None:
    """Raise when `value` is below the already-validated sibling `field` (errors stay located)."""
    other = info.data.get(field)
    if value is not None and other is not None and value < other:
        raise ValueError(f"{info.field_name} ({value}) is {what} {field} ({other})")


TimeZone = Annotated[str, AfterValidator(_known_zone)]
HolidaysCountry = Annotated[str, AfterValidator(_known_country)]
Quarter = Annotated[str, AfterValidator(_quarter)]


class EmployeeBand(_Model):
    min: int = Field(ge=0)
    max: int | None = Field(default=None, ge=0)
    points: float

    @field_validator("max")
    @classmethod
    def _ordered(cls, value: int | None, info: ValidationInfo) -> int | None:
        _not_before("min", value, info, "below")
        return value


class ListRule(_Model):
    """Points when the lead's value is in `values` (case-insensitive); `otherwise` if not."""

    points: float
    values: list[str]
    otherwise: float = 0.0


class Seniority(StrEnum):
    C_LEVEL = "c_level"
    VP = "vp"
    DIRECTOR = "director"
    HEAD = "head"
    MANAGER = "manager"
    INDIVIDUAL = "individual"
    STUDENT = "student"
    UNKNOWN = "unknown"


class FitRules(_Model):
    employees: list[EmployeeBand] = Field(default_factory=list)
    industry: ListRule | None = None
    seniority: dict[Seniority, float] = Field(default_factory=dict)
    geography: ListRule | None = None


class SignalRule(_Model):
    points: float
    half_life_days: float | None = Field(default=None, gt=0)  # None: no decay
    cap: float | None = Field(default=None, ge=0)  # per-category cap on the decayed sum


class NegativeRules(_Model):
    free_mail_points: float = 0.0
    free_mail_domains: list[str] = Field(default_factory=list)
    competitor_points: float = 0.0
    competitor_domains: list[str] = Field(default_factory=list)
    student_points: float = 0.0
    unsubscribe_points: float = 0.0


class PredictiveBlend(_Model):
    enabled: bool = False
    weight: float = Field(default=0.0, ge=0, le=1)  # share of the predictive score (0-100)


class Scoring(_Model):
    mql_threshold: float
    fit: FitRules
    behaviour: dict[str, SignalRule]  # keyed by marketing touch kind
    negative: NegativeRules = NegativeRules()
    high_intent_actions: list[str] = Field(default_factory=lambda: ["demo_request"])
    predictive: PredictiveBlend = PredictiveBlend()


class Cadence(_Model):
    min_touches: int = Field(ge=0)
    window_days: int = Field(gt=0)
    channels: list[Literal["call", "email", "linkedin", "meeting"]]
    exempt_reasons: list[str] = Field(default_factory=list)


class Qualification(_Model):
    framework: Literal["bant", "meddic"]
    sal_reject_reasons: list[str] = Field(min_length=1)
    disqualify_reasons: list[str] = Field(min_length=1)
    recycle_reasons: list[str] = Field(default_factory=list)
    recycle_after_days: int = Field(default=90, gt=0)
    lost_reasons: list[str] = Field(min_length=1)
    cadence: Cadence


class WorkingHours(_Model):
    start: time
    end: time
    days: list[Weekday] = Field(default_factory=lambda: list(_WORKWEEK), min_length=1)

    @field_validator("end")
    @classmethod
    def _ordered(cls, value: time, info: ValidationInfo) -> time:
        start = info.data.get("start")
        if start is not None and value <= start:
            raise ValueError(f"end {value:%H:%M} must be after start {start:%H:%M}")
        return value


class Absence(_Model):
    """Out of office from `start` to `end`, both days included."""

    start: date
    end: date

    @field_validator("end")
    @classmethod
    def _ordered(cls, value: date, info: ValidationInfo) -> date:
        _not_before("start", value, info)
        return value


class Rep(_Model):
    id: str
    name: str
    email: str | None = None
    role: Literal["rep", "sales_manager", "sales_ops", "marketing_ops"] = "rep"
    timezone: TimeZone
    working_hours: WorkingHours | None = None  # None: the team's
    holidays_country: HolidaysCountry | None = None  # None: the team's
    capacity: int = Field(default=50, ge=0)  # open owned leads
    territories: list[str] = Field(default_factory=list)
    out_of_office: list[Absence] = Field(default_factory=list)
    weight: int = Field(default=1, ge=0)  # share in weighted round robin (0: never picked)
    daily_cap: int | None = Field(default=None, ge=0)  # new leads per local day; None: no cap


class Team(_Model):
    id: str
    name: str
    side: Literal["sales", "marketing"] = "sales"
    manager: str | None = None  # rep id of the frontline manager who reviews MQLs
    working_hours: WorkingHours
    holidays_country: HolidaysCountry | None = None
    reps: list[Rep] = Field(default_factory=list)
    timezone: TimeZone | None = None  # the team calendar's zone; None: the manager's


class RouteWhen(_Model):
    """Conditions of a routing rule; each is optional and all that are set must hold."""

    country_in: list[str] | None = None
    region_in: list[str] | None = None  # routing.regions names, or the lead's `region`
    state_in: list[str] | None = None  # the lead's state / province (attributes.state)
    industry_in: list[str] | None = None
    employees_min: int | None = None  # the size band, both ends included
    employees_max: int | None = None
    high_intent: bool | None = None
    source_in: list[str] | None = None
    campaign_in: list[str] | None = None
    product_in: list[str] | None = None  # the lead's product interest (attributes.product)
    account_in: list[str] | None = None  # named (ABM) account ids of routing.accounts
    named_account: bool | None = None  # matched to any named account (or to none)


RouteMethod = Literal["round_robin", "weighted_round_robin", "least_loaded", "territory"]


class RoutingRule(_Model):
    """Sends matching leads to a team, a pool (routing.pools) or one named rep."""

    name: str
    when: RouteWhen = RouteWhen()
    team: str | None = None
    pool: str | None = None
    rep: str | None = None
    method: RouteMethod = "least_loaded"

    @model_validator(mode="after")
    def _one_target(self) -> RoutingRule:
        given = [k for k in ("team", "pool", "rep") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a routing rule sends to exactly one of team, pool or rep")
        return self


class NamedAccount(_Model):
    """An ABM target account: its domains and name, the owning rep and/or pod (a team)."""

    id: str
    name: str
    domains: list[str] = Field(default_factory=list)
    owner: str | None = None  # rep id
    pod: str | None = None  # team id


class Matching(_Model):
    """Lead-to-account matching: domain first, then fuzzy company name (0-100 score)."""

    enabled: bool = True
    name_threshold: float = Field(default=88, ge=0, le=100)
    review_margin: float = Field(default=8, ge=0, le=100)  # below threshold: review queue
    free_mail_domains: list[str] = Field(default_factory=list)  # added to the shipped list


class Dedup(_Model):
    """Same e-mail, or same name at the same matched account: one person, one lead."""

    auto: bool = True


ReassignOn = Literal["first_contact", "sal_review"]


class Reassign(_Model):
    """Rotate a lead to the next eligible rep when its owner misses one of `on`."""

    enabled: bool = False
    on: list[ReassignOn] = Field(default_factory=lambda: list[ReassignOn](["first_contact"]))
    max_hops: int = Field(default=2, ge=0)  # then the team manager


class Routing(_Model):
    rules: list[RoutingRule]
    fallback_team: str
    pools: dict[str, list[str]] = Field(default_factory=dict)  # pool name -> rep ids
    regions: dict[str, list[str]] = Field(default_factory=dict)  # region -> country codes
    accounts: list[NamedAccount] = Field(default_factory=list)
    account_owner_wins: bool = True  # an open opp's owner, else the account owner
    # a rep outside working hours: assign anyway, skip them, or (wait) prefer reps in hours
    # and else give the lead to the rep whose next business hour comes first
    outside_hours: Literal["assign", "skip", "wait"] = "assign"
    matching: Matching = Matching()
    dedup: Dedup = Dedup()
    reassign: Reassign = Reassign()


class ForecastDue(_Model):
    """When the weekly forecast is owed (local time of each owner) and who owes it."""

    day: Weekday = "fri"
    at: time = time(17, 0)
    owners: Literal["managers", "reps", "none"] = "reps"  # of the sales teams


class Slas(_Model):
    route_minutes: float = Field(gt=0)
    sal_review_hours: float = Field(gt=0)  # business hours of the reviewing team
    first_contact_high_intent_hours: float = Field(gt=0)
    first_contact_standard_hours: float = Field(gt=0)
    disposition_days: int = Field(gt=0)
    capacity_notice_days: int = Field(ge=0)
    required_fields: list[str] = Field(default_factory=list)
    mql_to_sql_good: float = Field(ge=0, le=1)
    mql_to_sql_bad: float = Field(ge=0, le=1)
    sal_acceptance_min: float = Field(ge=0, le=1)
    pipeline_coverage_min: float = Field(gt=0)
    pipeline_coverage_max: float = Field(gt=0)
    warn_at: float = Field(default=0.75, gt=0, lt=1)  # sla.warned at this share of the time
    mql_to_sql_days: int = Field(default=30, ge=0)  # a month's MQL cohort is judged this late
    quality_min_mqls: int = Field(default=10, ge=1)  # per campaign / channel judgement
    forecast: ForecastDue = ForecastDue()

    @field_validator("mql_to_sql_bad")
    @classmethod
    def _bad_below_good(cls, value: float, info: ValidationInfo) -> float:
        good = info.data.get("mql_to_sql_good")
        if good is not None and value > good:
            raise ValueError(f"mql_to_sql_bad ({value}) must not exceed mql_to_sql_good ({good})")
        return value

    @field_validator("pipeline_coverage_max")
    @classmethod
    def _max_above_min(cls, value: float, info: ValidationInfo) -> float:
        _not_before("pipeline_coverage_min", value, info, "below")
        return value


class EscalationLevel(_Model):
    level: Literal["ops", "vp", "executive"]
    # fire when the side's breaches within `window_days` reach `min_breaches` ...
    window_days: int = Field(gt=0)
    min_breaches: int = Field(ge=1)
    # ... or, if set, when its breach rate over the window reaches this share
    min_breach_rate: float | None = Field(default=None, gt=0, le=1)
    notify: list[str] = Field(min_length=1)


class Targets(_Model):
    revenue_per_quarter: dict[Quarter, Decimal] = Field(default_factory=dict)  # "2027Q1": amount
    mql_per_month: int = Field(default=0, ge=0)


CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class Fx(_Model):
    """Standing exchange rates: 1 unit of the key = rate units of the contract currency.

    Used for a fact in that currency when the ledger holds no fx.rate on or before its date
    (see docs/metrics.md, "Money").
    """

    rates: dict[CurrencyCode, Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]] = Field(
        default_factory=dict
    )


class Campaign(_Model):
    id: str
    name: str
    channel: str
    monthly_budget: Decimal = Field(default=Decimal(0), ge=0)
    expected_leads_per_month: int = Field(default=0, ge=0)
    start: date | None = None
    end: date | None = None
    team: str | None = None  # the sales team its leads go to (campaign calendar capacity check)
    notes: str | None = None  # sales preparation notes for the campaign calendar

    @field_validator("end")
    @classmethod
    def _ordered(cls, value: date | None, info: ValidationInfo) -> date | None:
        _not_before("start", value, info)
        return value


class ContentAsset(_Model):
    """A content asset touches can name by `id` (content performance report)."""

    id: str
    name: str
    kind: str | None = None  # white_paper, case_study, webinar, deck, video…
    campaign: str | None = None
    url: str | None = None


# -- notifications (who hears of warnings, breaches and escalations; `revalign worker`) -----

NoticeLevel = Literal["warning", "breach", "ops", "vp", "executive"]
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"


def _recipient(value: str) -> str:
    """An http(s) webhook URL (Slack-compatible) or an e-mail address."""
    import re

    if value.startswith(("https://", "http://")) or re.fullmatch(_EMAIL, value):
        return value
    raise ValueError(f"recipient {value!r} is neither an http(s) webhook URL nor an e-mail address")


Recipient = Annotated[str, AfterValidator(_recipient)]


class SideRecipients(_Model):
    marketing: list[Recipient] = Field(default_factory=list)
    sales: list[Recipient] = Field(default_factory=list)


class Smtp(_Model):
    host: str = "localhost"
    port: int = Field(default=25, gt=0, lt=65536)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password_env: str = "REVALIGN_SMTP_PASSWORD"  # the password is read from here, never the YAML
    from_address: str = "revalign@localhost"
    timeout_seconds: float = Field(default=10, gt=0)


class Retry(_Model):
    attempts: int = Field(default=5, ge=1)
    backoff_seconds: float = Field(default=30, gt=0)  # doubles after each failed attempt
    max_backoff_seconds: float = Field(default=3600, gt=0)


class Notifications(_Model):
    """Recipients per level (warning, breach, escalation level) and side; `roles` reach the
    names an escalation level's `notify` lists. Secrets come from the environment."""

    recipients: dict[NoticeLevel, SideRecipients] = Field(default_factory=dict)
    roles: dict[str, list[Recipient]] = Field(default_factory=dict)
    notify_owner: bool = False  # also e-mail the rep (or team manager) who owns the clock
    smtp: Smtp = Smtp()
    webhook_secret_env: str = "REVALIGN_WEBHOOK_SECRET"
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    retry: Retry = Retry()


# -- two-way sync: who owns each field (connectors/sync/ownership.py applies it) -------------

SyncOwner = Literal["revalign", "salesforce", "hubspot", "last_writer_wins"]
SyncSystem = Literal["salesforce", "hubspot"]
LeadSyncField = Literal[
    "email", "first_name", "last_name", "title", "company", "domain", "employees", "industry",
    "country", "source", "campaign", "owner", "stage", "score", "reason", "email_engagement",
]  # fmt: skip
AccountSyncField = Literal["name", "domain", "industry", "employees", "country"]
OpportunitySyncField = Literal["name", "amount", "close_date", "stage", "owner"]


def _lead_owners() -> dict[LeadSyncField, SyncOwner]:
    # revalign decides the funnel; the MAP owns e-mail engagement; the rest: newest change wins
    return {"owner": "revalign", "stage": "revalign", "score": "revalign", "reason": "revalign",
            "email_engagement": "hubspot"}  # fmt: skip


def _opportunity_owners() -> dict[OpportunitySyncField, SyncOwner]:
    return {"amount": "salesforce", "close_date": "salesforce", "stage": "salesforce"}


class SyncOwnership(_Model):
    """Per object and field, the system whose value wins; unnamed fields: last writer wins."""

    lead: dict[LeadSyncField, SyncOwner] = Field(default_factory=_lead_owners)
    account: dict[AccountSyncField, SyncOwner] = Field(default_factory=dict)
    opportunity: dict[OpportunitySyncField, SyncOwner] = Field(default_factory=_opportunity_owners)

    @field_validator("lead")
    @classmethod
    def _funnel_is_revaligns(
        cls, value: dict[LeadSyncField, SyncOwner]
    ) -> dict[LeadSyncField, SyncOwner]:
        for name in ("stage", "score"):
            if value.get(name, "revalign") != "revalign":
                raise ValueError(f"{name}: the funnel's {name} is decided by revalign only")
        return value


class Sync(_Model):
    """Two-way sync with Salesforce and HubSpot (credentials never live here: see README)."""

    ownership: SyncOwnership = SyncOwnership()
    # rep id -> the rep's user id in the foreign system (Salesforce User Id, HubSpot owner id)
    users: dict[SyncSystem, dict[str, str]] = Field(default_factory=dict)


class Contract(_Model):
    """The whole revenue contract."""

    name: str
    label: str = "1"  # a human label; the real version is the content hash
    currency: str = Field(min_length=3, max_length=3)
    language: Literal["en", "id"] = "en"
    stages: dict[str, str]  # stage name -> definition both teams agreed
    scoring: Scoring
    qualification: Qualification
    teams: list[Team] = Field(min_length=1)
    routing: Routing
    slas: Slas
    escalation: list[EscalationLevel]
    targets: Targets = Targets()
    campaigns: list[Campaign] = Field(default_factory=list)
    content: list[ContentAsset] = Field(default_factory=list)
    notifications: Notifications = Notifications()
    fx: Fx = Fx()
    sync: Sync = Sync()

    @field_validator("fx")
    @classmethod
    def _no_self_rate(cls, value: Fx, info: ValidationInfo) -> Fx:
        own = info.data.get("currency")
        if own in value.rates:
            raise ValueError(f"fx.rates.{own}: the contract currency needs no rate")
        return value

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Contract:
        # The loader checks references itself (context references=False) to locate each one.
        if info.context is None or info.context.get("references", True):
            from revalign.contract.references import reference_problems

            problems = reference_problems(self)
            if problems:
                raise ValueError("; ".join(message for _, message, _ in problems))
        return self

    def team(self, team_id: str) -> Team:
        for t in self.teams:
            if t.id == team_id:
                return t
        raise KeyError(team_id)

    def rep(self, rep_id: str) -> tuple[Team, Rep]:
        for t in self.teams:
            for r in t.reps:
                if r.id == rep_id:
                    return t, r
        raise KeyError(rep_id)


class VersionedContract(_Model):
    """A validated contract with its version (sha256 of the canonical content, 12 hex).

    Leave `version` out and it is computed from the content, so every instance has one.
    """

    contract: Contract
    version: str = ""
    path: str | None = None

    @model_validator(mode="after")
    def _fill_version(self) -> VersionedContract:
        if not self.version:
            object.__setattr__(self, "version", content_hash(self.contract))  # frozen model
        return self
