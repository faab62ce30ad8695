"""Lead-to-account matching, pure: domain first, then fuzzy company name.

The account index lives in `FunnelState` (kept by the fold from leads and opportunities that
carry an account id) beside the contract's named (ABM) accounts. Domains in the index are
registered domains (the shell normalises them with the public-suffix list), so trying the
lead's host and each parent (`mail.acme.co.id`, `acme.co.id`, `co.id`) finds the account
without the core reading the list. Free-mail / ISP domains never match. Names are compared
with rapidfuzz after dropping legal forms (PT, Tbk, CV, Ltd, Inc, GmbH, ...), on candidates
that share a word, a pair of neighbouring words or a 3-letter prefix (the rarest first), so
100,000 accounts cost one small scan per lead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from revalign.contract.schema import Contract, NamedAccount
from revalign.core.free_mail import FREE_MAIL
from revalign.core.state import AccountState, FunnelState, LeadState

# Legal forms and filler words that say nothing about which company it is.
LEGAL_FORMS = frozenset(
    [
        "pt",
        "tbk",
        "cv",
        "ud",
        "fa",
        "persero",
        "perseroan",
        "terbatas",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "pte",
        "pty",
        "sdn",
        "bhd",
        "kk",
        "oy",
        "ab",
        "as",
        "aps",
        "asa",
        "the",
    ]
)


@dataclass(frozen=True, slots=True)
class AccountMatch:
    """Which account a lead belongs to, how sure (0-100) and by which rule."""

    account_id: str | None
    name: str | None
    score: float
    rule: str  # named_domain, domain, named_name, name, free_mail, none
    detail: str
    named: NamedAccount | None = None
    near: tuple[tuple[str, float], ...] = ()  # (account id, score) just below the threshold

    def as_dict(self) -> dict[str, object]:
        return {
            "account_id": self.account_id,
            "name": self.name,
            "score": round(self.score, 1),
            "rule": self.rule,
            "detail": self.detail,
            "named": self.named.id if self.named else None,
            "near": [{"account_id": a, "score": round(s, 1)} for a, s in self.near],
        }


def normalise_name(name: str | None) -> str:
    """Lowercase words without punctuation and legal forms: "PT. Maju Jaya Tbk" -> "maju jaya"."""
    if not name:
        return ""
    words = default_process(name).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def _blocks(normal: str) -> list[str]:
    """Blocking keys: each word, each pair of neighbouring words, the 3-letter prefix."""
    words = normal.split()
    keys = [f"t:{w}" for w in words if len(w) > 1]
    keys += [f"q:{a} {b}" for a, b in pairwise(words)]
    squashed = normal.replace(" ", "")
    if len(squashed) >= 3:
        keys.append(f"p:{squashed[:3]}")
    return keys


def index_account(
    state: FunnelState, account_id: str, name: str | None, domain: str | None
) -> None:
    """Add or enrich one account in the state's index (called by the fold)."""
    known = state.accounts.get(account_id)
    domain = domain.lower().removeprefix("www.") if domain else None
    if domain and domain in FREE_MAIL:
        domain = None
    if known is None:
        known = AccountState(account_id, name or None, (domain,) if domain else ())
    else:
        if domain and domain not in known.domains:
            known = replace(known, domains=(*known.domains, domain))
        if known.name is None and name:
            known = replace(known, name=name)
        else:
            name = None  # the first name seen stays the account's name
    state.accounts[account_id] = known
    if domain:
        state.account_by_domain.setdefault(domain, account_id)
    if name:
        normal = normalise_name(name)
        state.account_names[account_id] = normal
        for key in _blocks(normal):
            bucket = state.account_blocks.setdefault(key, [])
            if not bucket or bucket[-1] != account_id:
                bucket.append(account_id)


BLOCK_BUDGET = 5000  # candidate names scored per lead at most
MORE_BLOCKS = 500  # further blocks join the rarest one while the total stays under this


def _candidates(state: FunnelState, query: str) -> list[str]:
    """Accounts sharing the query's rarest blocks; when even the rarest is common ("bank"),
    those sharing its two rarest blocks. Contract order of the index: deterministic."""
    blocks = state.account_blocks
    buckets = sorted((b for k in _blocks(query) if (b := blocks.get(k))), key=len)
    if not buckets:
        return []
    if len(buckets[0]) > BLOCK_BUDGET and len(buckets) > 1:
        second = set(buckets[1])
        return [a for a in buckets[0] if a in second][:BLOCK_BUDGET]
    out: list[str] = []
    for bucket in buckets:
        if out and len(out) + len(bucket) > MORE_BLOCKS:
            break
        out.extend(bucket[:BLOCK_BUDGET])
    return out


def host_of(lead: LeadState) -> str | None:
    """The lead's company host: its `domain`, its website, else its e-mail's domain."""
    website = lead.attributes.get("website")
    for raw in (lead.domain, website if isinstance(website, str) else None, lead.email):
        if raw:
            host = raw.rsplit("@", 1)[-1].strip().lower()
            host = host.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
            if host:
                return host
    return None


def _parents(host: str) -> list[str]:
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


def match_account(state: FunnelState, lead: LeadState, contract: Contract) -> AccountMatch:
    """The lead's account: by domain, then by fuzzy name above the contract's threshold."""
    m = contract.routing.matching
    host = host_of(lead)
    free = FREE_MAIL | {d.lower() for d in m.free_mail_domains}
    free |= {d.lower() for d in contract.scoring.negative.free_mail_domains}
    free_mail = host is not None and any(p in free for p in _parents(host))
    if host and not free_mail:
        for parent in _parents(host):
            for named in contract.routing.accounts:
                if parent in named.domains:
                    detail = f"domain {parent} is named account {named.id}"
                    return AccountMatch(named.id, named.name, 100.0, "named_domain", detail, named)
            hit = state.account_by_domain.get(parent)
            if hit is not None:
                account = state.accounts[hit]
                detail = f"domain {parent}"
                return AccountMatch(hit, account.name, 100.0, "domain", detail)
    if not m.enabled:
        return AccountMatch(None, None, 0.0, "none", "matching disabled")
    query = normalise_name(lead.company)
    why = f"free-mail domain {host}" if free_mail else f"no account has domain {host}"
    if not query:
        rule = "free_mail" if free_mail else "none"
        return AccountMatch(None, None, 0.0, rule, f"{why}; no company name")
    low = max(0.0, m.name_threshold - m.review_margin)
    named_names = {n.id: normalise_name(n.name) for n in contract.routing.accounts}
    best_named = process.extractOne(
        query, named_names, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=low
    )
    ids = _candidates(state, query)
    names = state.account_names
    found = process.extract(
        query, [names[a] for a in ids], scorer=fuzz.token_sort_ratio, processor=None,
        score_cutoff=low, limit=3,
    )  # fmt: skip
    scored = [(ids[i], float(s)) for _, s, i in found]
    if best_named is not None:
        scored.insert(0, (str(best_named[2]), float(best_named[1])))
    scored.sort(key=lambda x: -x[1])
    near = tuple(x for x in scored if x[1] < m.name_threshold)
    if scored and scored[0][1] >= m.name_threshold:
        account_id, score = scored[0]
        by_name = next((n for n in contract.routing.accounts if n.id == account_id), None)
        name = by_name.name if by_name else state.accounts[account_id].name
        detail = f"{why}; company {lead.company!r} ~ {name!r} ({score:.0f} >= {m.name_threshold:g})"
        rule = "named_name" if by_name else "name"
        return AccountMatch(account_id, name, score, rule, detail, by_name, near)
    best = f"best {scored[0][1]:.0f} < {m.name_threshold:g}" if scored else "no similar name"
    return AccountMatch(
        None, None, scored[0][1] if scored else 0.0, "none", f"{why}; {best}", near=near
    )


def account_owner(state: FunnelState, match: AccountMatch) -> tuple[str | None, str]:
    """The rep who owns the matched account: an open opportunity's owner, else the named owner."""
    if match.account_id is None:
        return None, "no account"
    ids = {match.account_id}
    if match.named is not None:
        ids |= {
            state.account_by_domain[d] for d in match.named.domains if d in state.account_by_domain
        }
    for account_id in sorted(ids):
        account = state.accounts.get(account_id)
        for opp_id in reversed(account.open_opps if account else ()):
            opp = state.opportunities.get(opp_id)
            if opp is None or opp.closed_at is not None:
                continue
            lead = state.leads.get(opp.lead_id or "")
            owner = opp.owner or (lead.owner if lead else None)
            if owner:
                return owner, f"open opportunity {opp_id} of {account_id} is {owner}'s"
    if match.named is not None and match.named.owner:
        return match.named.owner, f"named account {match.named.id} is owned by {match.named.owner}"
    return None, "the account has no owner"
