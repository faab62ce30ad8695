"""Exact first-order Markov attribution: removal effects of an absorbing chain.

States: start, one per channel, and the two absorbing states conversion and null. Every
journey (converting or not) adds its transitions start→c1→…→ck→(conversion|null). The
transition counts come from vectorised consecutive pairs (np.bincount over from*K+to), which
equals counting identical paths first and weighting each by its count, without the hashing.

P(conversion) is the absorbing probability from start: solve (I − Q) x = r, where Q holds the
transient-to-transient probabilities and r the transient-to-conversion ones. Removing channel
c sends every transition into c to null (its row of Q and r become zero). Removal effect
RE(c) = 1 − P_without(c) / P; shares are the removal effects normalised to sum to 1.

For revenue, r carries value: r[c] = P(c → conversion) × mean value of journeys converting
after c, so x is the expected value per journey and the same removal rule applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from revalign.analytics.attribution.journeys import FloatArray, Journeys

_DENSE_LIMIT = 500  # states; above this the chain is solved as a sparse system


@dataclass(frozen=True)
class Chain:
    """Transient part of the chain: state 0 is start, state i+1 is channel i."""

    q: FloatArray  # (K+1, K+1) transient → transient probabilities
    r_conv: FloatArray  # (K+1,) transient → conversion probabilities
    r_value: FloatArray  # (K+1,) expected value paid on converting from each state


def build_chain(j: Journeys) -> Chain:
    """Transition probabilities from all journeys, converting and not."""
    k = len(j.channels) + 1
    state = j.channel + 1
    same = j.journey[1:] == j.journey[:-1]
    pos, n = j.position()
    first = pos == 0
    last = pos == n - 1
    frm = np.concatenate((np.zeros(int(first.sum()), np.int64), state[:-1][same]))
    to = np.concatenate((state[first], state[1:][same]))
    counts = np.bincount(frm * k + to, minlength=k * k).reshape(k, k).astype(np.float64)
    last_state = state[last]
    conv_of_last = j.converted[j.journey[last]]
    value_of_last = j.value[j.journey[last]]
    to_conv = np.bincount(last_state[conv_of_last], minlength=k).astype(np.float64)
    value_sum = np.bincount(
        last_state[conv_of_last], weights=value_of_last[conv_of_last], minlength=k
    )
    to_null = np.bincount(last_state[~conv_of_last], minlength=k).astype(np.float64)
    out = counts.sum(axis=1) + to_conv + to_null
    safe = np.where(out > 0, out, 1.0)
    mean_value = np.divide(value_sum, to_conv, out=np.zeros(k), where=to_conv > 0)
    r_conv = to_conv / safe
    return Chain(q=counts / safe[:, None], r_conv=r_conv, r_value=r_conv * mean_value)


def absorption(q: FloatArray, r: FloatArray) -> float:
    """Absorbing probability (or expected reward) from start: x[0] of (I − Q) x = r."""
    k = len(r)
    if k <= _DENSE_LIMIT:
        x = np.linalg.solve(np.eye(k) - q, r)
        return float(x[0])
    system = sp.identity(k, format="csc") - sp.csc_matrix(q)
    return float(spla.spsolve(system, r)[0])


def removal_effects(chain: Chain, use_value: bool = False) -> FloatArray:
    """RE(c) = 1 − P_without(c) / P for each channel (clipped at 0 for rounding)."""
    r = chain.r_value if use_value else chain.r_conv
    base = absorption(chain.q, r)
    k = len(r)
    effects = np.zeros(k - 1)
    if base <= 0:
        return effects
    for c in range(1, k):  # one small solve per channel, not per touch
        q = chain.q.copy()
        q[c, :] = 0.0
        rc = r.copy()
        rc[c] = 0.0
        effects[c - 1] = max(0.0, 1.0 - absorption(q, rc) / base)
    return effects


def markov_shares(j: Journeys, use_value: bool = False) -> FloatArray:
    """Channel shares (sum 1, or all 0 when nothing converts) from removal effects."""
    effects = removal_effects(build_chain(j), use_value)
    total = effects.sum()
    return effects / total if total > 0 else effects


def conversion_probability(j: Journeys) -> float:
    """P(conversion) of the fitted chain, from start."""
    chain = build_chain(j)
    return absorption(chain.q, chain.r_conv)
