"""Routing rules that cannot work: unknown targets, rules that never match, shadowed rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from revalign.contract.schema import Contract, RouteWhen

Problem = tuple[tuple[Any, ...], str, bool]
_LISTS = ("country_in", "region_in", "state_in", "industry_in", "source_in", "campaign_in",
          "product_in", "account_in")  # fmt: skip


def routing_problems(contract: Contract) -> list[Problem]:
    """Every routing problem, located at the offending rule field."""
    r = contract.routing
    teams = {t.id for t in contract.teams}
    reps = {rep.id for t in contract.teams for rep in t.reps}
    named = {a.id for a in r.accounts}
    out: list[Problem] = []
    for name, members in r.pools.items():
        for i, rep in enumerate(members):
            if rep not in reps:
                out.append(
                    (("routing", "pools", name, i), f"pool {name!r}: unknown rep {rep!r}", False)
                )
    for i, account in enumerate(r.accounts):
        if account.owner is not None and account.owner not in reps:
            out.append(
                (("routing", "accounts", i, "owner"), f"unknown rep {account.owner!r}", False)
            )
        if account.pod is not None and account.pod not in teams:
            out.append((("routing", "accounts", i, "pod"), f"unknown team {account.pod!r}", False))
    for i, rule in enumerate(r.rules):
        at = ("routing", "rules", i)
        if rule.pool is not None and rule.pool not in r.pools:
            out.append(
                (
                    (*at, "pool"),
                    f"routing rule {rule.name!r} names unknown pool {rule.pool!r}",
                    False,
                )
            )
        if rule.rep is not None and rule.rep not in reps:
            out.append(
                ((*at, "rep"), f"routing rule {rule.name!r} names unknown rep {rule.rep!r}", False)
            )
        for ref in rule.when.account_in or []:
            if ref not in named:
                out.append(((*at, "when", "account_in"), f"unknown named account {ref!r}", False))
        never = _never(rule.when)
        if never is not None:
            out.append(
                ((*at, "when"), f"routing rule {rule.name!r} can never match: {never}", False)
            )
            continue
        for j, earlier in enumerate(r.rules[:i]):
            if _never(earlier.when) is None and _covers(earlier.when, rule.when):
                message = (
                    f"routing rule {rule.name!r} is shadowed by rules[{j}] {earlier.name!r}: "
                    "every lead it matches is taken earlier"
                )
                out.append(((*at, "name"), message, False))
                break
    return out


def _never(when: RouteWhen) -> str | None:
    for name in _LISTS:
        if getattr(when, name) == []:
            return f"{name} is empty"
    low, high = when.employees_min, when.employees_max
    if low is not None and high is not None and low > high:
        return f"employees_min {low} > employees_max {high}"
    if when.named_account is False and when.account_in:
        return "account_in needs a named account but named_account is false"
    return None


def _covers(a: RouteWhen, b: RouteWhen) -> bool:
    """Does every lead `b` matches also match `a` (so `a` before `b` shadows it)?"""
    for name in _LISTS:
        wide, narrow = getattr(a, name), getattr(b, name)
        if wide is None:
            continue
        if narrow is None or not {v.casefold() for v in narrow} <= {v.casefold() for v in wide}:
            return False
    if a.employees_min is not None and (
        b.employees_min is None or b.employees_min < a.employees_min
    ):
        return False
    if a.employees_max is not None and (
        b.employees_max is None or b.employees_max > a.employees_max
    ):
        return False
    for name in ("high_intent", "named_account"):
        if getattr(a, name) is not None and getattr(a, name) != getattr(b, name):
            return False
    return True
