"""Monte Carlo uncertainty of a study's results: plain data in, plain data out.

No ORM, no request, no settings (like `calculation.py`, whose deterministic results it starts
from). Method, parameters and sources are written in docs/uncertainty.md; in short:

- Every activity quantity and every emission factor carries a `Distribution`, expressed as a
  multiplier of its deterministic value (which is 1): lognormal (GSD², median 1), normal
  (relative SD, mean 1), triangular (low, mode 1, high) or uniform (low, high).
- An activity's kgCO₂e in one iteration = its deterministic kgCO₂e × its quantity multiplier ×
  its factor's multiplier. Unit conversion, GWP, allocation and annual output are exact.
- A factor is one random input, drawn once per iteration: every activity using CN-GRID-2022
  draws the same value (correlated), and so do the products that share it (paired draws).
- Quantities and factors are drawn from two independently seeded streams
  (`numpy.random.SeedSequence.spawn`), never from one seed reused: reusing a seed makes the
  draws of different inputs identical, which biased Brightway's SD by 27 %.
- Draws are made in chunks of iterations so that no iterations × activities matrix holds more
  than `MAX_CHUNK_CELLS` floats; only the per-stage sums of every iteration are kept.
- Contribution to variance: squared Pearson correlation of each input with the product total,
  accumulated chunk by chunk. The inputs are drawn independently, so for a linear model it
  equals the squared standardised regression coefficient; the shares are normalised to 100 %
  and `explained` (their sum before normalising) says how linear the model is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

LOGNORMAL = "lognormal"
NORMAL = "normal"
TRIANGULAR = "triangular"
UNIFORM = "uniform"
FIXED = "fixed"
KINDS = (LOGNORMAL, NORMAL, TRIANGULAR, UNIFORM)

# Where a distribution came from (printed beside each input in the report).
ENTERED = "entered"          # a distribution entered for the activity or the factor
PERCENT = "percent"          # an entered ±% (95 % half-width), read as a normal distribution
PEDIGREE = "pedigree"        # derived from the activity's data-quality ratings
DEFAULT_PEDIGREE = "default_pedigree"  # no ratings: the data type's default ratings
BASIC = "basic"              # a factor without a published uncertainty: the basic uncertainty
PUBLISHED = "published"      # a library factor's published uncertainty

Z95 = 1.959963984540054  # two-sided 95 % quantile of the standard normal

# ---------------------------------------------------------------------- pedigree matrix
# Indicators in the order of Weidema & Wesnæs (1996), as in the ecoinvent v3 data quality
# guideline (Weidema et al. 2013); v3 dropped "sample size".
PEDIGREE_INDICATORS: tuple[str, ...] = (
    "reliability", "completeness", "temporal", "geographical", "technological",
)
# Uncertainty factors (contributions to GSD²) for scores 1–5: the generic pedigree matrix of
# Muller et al. (2016), Int J LCA 21:1327–1337. Geographical score 5 is printed as 2.30 there,
# below score 4; we take 2.36 so that a worse score never narrows a distribution.
PEDIGREE_FACTORS: Mapping[str, tuple[float, ...]] = {
    "reliability": (1.00, 1.01, 1.21, 1.25, 2.36),
    "completeness": (1.00, 1.02, 1.05, 1.10, 1.63),
    "temporal": (1.00, 1.08, 1.55, 2.22, 2.49),
    "geographical": (1.00, 1.14, 1.23, 2.36, 2.36),
    "technological": (1.00, 1.19, 1.52, 1.95, 2.23),
}
# Basic uncertainty (GSD²) of an activity quantity by its factor's category: the ecoinvent
# defaults for "demand of" thermal energy, electricity, semi-finished products, working
# material and waste treatment services (1.05) and transport services (2.00), Weidema et al.
# (2013) table 10.3 (Frischknecht et al. 2007 table 5.3 before it).
BASIC_QUANTITY_GSD2: Mapping[str, float] = {
    "electricity": 1.05, "fuel": 1.05, "material": 1.05, "waste": 1.05,
    "transport": 2.00, "process": 1.05, "other": 1.05,
}
# Basic uncertainty (GSD²) of an emission factor without a published one, by gas: ecoinvent's
# air emissions, CO₂ from combustion or process 1.05; CH₄, N₂O and other gases 1.5.
BASIC_FACTOR_GSD2: Mapping[str, float] = {"CO2": 1.05}
BASIC_FACTOR_GSD2_OTHER = 1.5
# Ratings assumed for an activity without any (stated in the report with the count of such
# activities): measured on site vs taken from elsewhere.
DEFAULT_RATINGS: Mapping[str, tuple[int, ...]] = {
    "primary": (2, 2, 1, 1, 1),
    "secondary": (3, 2, 2, 2, 2),
}

# No chunk of draws holds more than this many float64 cells per matrix (32 MB).
MAX_CHUNK_CELLS = 4_000_000
# Convergence: from half the iterations to all of them, the mean and the 2.5 / 97.5 %
# percentiles of every product total move by at most this fraction of the mean.
CONVERGENCE_TOLERANCE = 0.01
HISTOGRAM_BINS = 30
TOP_CONTRIBUTORS = 10


# ----------------------------------------------------------------------- distributions
@dataclass(frozen=True, slots=True)
class Distribution:
    """A distribution as a multiplier of the deterministic value.

    lognormal: `a` = GSD² (median 1); normal: `a` = SD (mean 1); triangular: `a` = low,
    `b` = high (mode 1); uniform: `a` = low, `b` = high; fixed: no spread."""

    kind: str = FIXED
    a: float = 0.0
    b: float = 0.0
    source: str = ""

    @property
    def sigma(self) -> float:
        """σ of ln(x) of a lognormal: GSD² = exp(2σ)."""
        return math.log(self.a) / 2 if self.kind == LOGNORMAL else 0.0


def lognormal(gsd2: float, source: str = ENTERED) -> Distribution:
    if not gsd2 >= 1:
        raise ValueError("GSD² must be at least 1")
    return Distribution(LOGNORMAL, float(gsd2), 0.0, source)


def normal(relative_sd: float, source: str = ENTERED) -> Distribution:
    if not relative_sd >= 0:
        raise ValueError("SD must not be negative")
    return Distribution(NORMAL, float(relative_sd), 0.0, source)


def triangular(low: float, high: float, source: str = ENTERED) -> Distribution:
    if not low <= 1 <= high:
        raise ValueError("a triangular distribution needs low ≤ value ≤ high")
    return Distribution(TRIANGULAR, float(low), float(high), source)


def uniform(low: float, high: float, source: str = ENTERED) -> Distribution:
    if not low <= high:
        raise ValueError("a uniform distribution needs low ≤ high")
    return Distribution(UNIFORM, float(low), float(high), source)


def from_percent(pct: float) -> Distribution:
    """An entered ±pct %, read as the 95 % half-width of a symmetric error (as the combined
    root-sum-square of the report always has): normal with SD = pct / 1.96 %."""
    return normal(pct / 100 / Z95, PERCENT)


def from_absolute(kind: str, value: float, *, gsd2: float | None = None, sd: float | None = None,
                  low: float | None = None, high: float | None = None,
                  source: str = ENTERED) -> Distribution:
    """A distribution entered in the quantity's (or factor's) own unit, around `value`: normal
    SD, triangular/uniform bounds in that unit; lognormal GSD² is unitless."""
    if kind == LOGNORMAL:
        return lognormal(gsd2 if gsd2 is not None else 1.0, source)
    if value == 0:
        return Distribution(FIXED, source=source)
    if kind == NORMAL:
        return normal((sd or 0.0) / abs(value), source)
    if low is None or high is None:
        raise ValueError("low and high are needed")
    if kind == TRIANGULAR:
        return triangular(low / value, high / value, source)
    if kind == UNIFORM:
        return uniform(low / value, high / value, source)
    raise ValueError(f"unknown distribution {kind!r}")


def pedigree_gsd2(scores: Sequence[int], basic_gsd2: float) -> float:
    """GSD² from the basic uncertainty and the five pedigree scores:
    GSD² = exp(√(ln²U_b + Σ ln²U_i)) (ecoinvent v3 guideline, eq. 10.1 in GSD² form)."""
    if len(scores) != len(PEDIGREE_INDICATORS):
        raise ValueError("five pedigree scores are needed")
    logs = [math.log(basic_gsd2) ** 2]
    for indicator, score in zip(PEDIGREE_INDICATORS, scores, strict=True):
        if score not in (1, 2, 3, 4, 5):
            raise ValueError(f"pedigree score {score!r} is not 1–5")
        logs.append(math.log(PEDIGREE_FACTORS[indicator][score - 1]) ** 2)
    return math.exp(math.sqrt(math.fsum(logs)))


def from_pedigree(scores: Sequence[int], basic_gsd2: float, source: str = PEDIGREE) -> Distribution:
    return lognormal(pedigree_gsd2(scores, basic_gsd2), source)


def basic_factor(gas: str) -> Distribution:
    return lognormal(BASIC_FACTOR_GSD2.get(gas, BASIC_FACTOR_GSD2_OTHER), BASIC)


def activity_distribution(*, quantity: float, kind: str = "", gsd2: float | None = None,
                          sd: float | None = None, low: float | None = None,
                          high: float | None = None, pct: float | None = None,
                          ratings: Sequence[int | None] = (None,) * 5, data_type: str = "primary",
                          category: str = "other") -> Distribution:
    """An activity quantity's distribution, by precedence: an entered distribution, an entered
    ±%, its data-quality ratings (an unrated indicator takes the data type's default score),
    or the data type's default ratings. Raises ValueError for inconsistent parameters."""
    if kind:
        return from_absolute(kind, quantity, gsd2=gsd2, sd=sd, low=low, high=high, source=ENTERED)
    if pct is not None:
        return from_percent(pct)
    basic = BASIC_QUANTITY_GSD2.get(category, BASIC_QUANTITY_GSD2["other"])
    default = DEFAULT_RATINGS.get(data_type, DEFAULT_RATINGS["secondary"])
    if any(r is not None for r in ratings):
        scores = tuple(r if r is not None else d for r, d in zip(ratings, default, strict=True))
        return from_pedigree(scores, basic, PEDIGREE)
    return from_pedigree(default, basic, DEFAULT_PEDIGREE)


def factor_distribution(*, value: float, gas: str, kind: str = "", gsd2: float | None = None,
                        sd: float | None = None, low: float | None = None,
                        high: float | None = None) -> Distribution:
    """A factor's published distribution, or the basic uncertainty of its gas."""
    if kind:
        return from_absolute(kind, value, gsd2=gsd2, sd=sd, low=low, high=high, source=PUBLISHED)
    return basic_factor(gas)


# ------------------------------------------------------------------------------ inputs
@dataclass(frozen=True, slots=True)
class UncertainActivity:
    """One activity of one product that contributes to its total (deterministic kgCO₂e per
    functional unit, from the calculation) and the distributions of its two inputs."""

    product: str
    stage: str
    name: str
    kgco2e: float
    quantity: Distribution
    factor_key: str
    factor_label: str = ""


@dataclass(frozen=True, slots=True)
class UncertainProduct:
    code: str
    name: str
    total_kgco2e: float
    stages: tuple[str, ...]
    stage_kgco2e: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class UncertaintyInput:
    products: tuple[UncertainProduct, ...]
    activities: tuple[UncertainActivity, ...]
    factors: Mapping[str, Distribution]   # factor key → its distribution


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class Summary:
    deterministic: float
    mean: float
    median: float
    sd: float
    p2_5: float
    p97_5: float

    @property
    def cv(self) -> float | None:
        return self.sd / self.mean if self.mean else None

    def to_dict(self) -> dict:
        return {"deterministic": self.deterministic, "mean": self.mean, "median": self.median,
                "sd": self.sd, "p2_5": self.p2_5, "p97_5": self.p97_5, "cv": self.cv}


@dataclass(frozen=True, slots=True)
class Contribution:
    kind: str            # "quantity" | "factor"
    label: str           # activity name or factor code
    share: float         # fraction of the explained variance (the shares add up to 1)
    correlation: float   # signed Pearson correlation with the product total
    key: str = ""        # factor key, or the activity's position in the input


@dataclass(frozen=True, slots=True)
class Convergence:
    ok: bool
    max_change: float    # largest move of mean / p2.5 / p97.5, as a fraction of the mean
    tolerance: float


@dataclass(frozen=True, slots=True)
class ProductUncertainty:
    code: str
    name: str
    total: Summary
    stages: tuple[tuple[str, Summary], ...]
    contributors: tuple[Contribution, ...]
    explained: float     # Σ r² before normalising (1 for a linear model of independent inputs)
    histogram_edges: tuple[float, ...]
    histogram_counts: tuple[int, ...]
    convergence: Convergence


@dataclass(frozen=True, slots=True)
class Comparison:
    a: str
    b: str
    p_a_higher: float    # share of paired iterations in which a's total exceeds b's


@dataclass(frozen=True, slots=True)
class UncertaintyResult:
    iterations: int
    seed: int
    products: tuple[ProductUncertainty, ...]
    comparisons: tuple[Comparison, ...] = field(default=())

    def product(self, code: str) -> ProductUncertainty | None:
        return next((p for p in self.products if p.code == code), None)


@dataclass(frozen=True, slots=True)
class Draws:
    """Every iteration's stage sums, for the tests and the command (`run(…, keep_draws=True)`)."""

    groups: np.ndarray                 # iterations × (product, stage) groups
    totals: np.ndarray                 # iterations × products
    group_index: Mapping[tuple[str, str], int]


# -------------------------------------------------------------------------- monte carlo
class _Block:
    """The distributions of one kind of input (quantities or factors), drawn one chunk at a
    time as an inputs × iterations array (one row per input, so that gathering the rows of the
    factors used by each activity copies whole rows).

    A lognormal row holds ln(multiplier) — lognormal inputs combine by adding exponents, one
    `exp` for both — the other rows hold the multiplier itself. Either is a monotone function
    of the input, which is all the correlation for the contribution to variance needs."""

    def __init__(self, dists: Sequence[Distribution]):
        self.n = len(dists)
        kinds = np.array([d.kind for d in dists], dtype=object)
        a = np.array([d.a for d in dists], dtype=float)
        b = np.array([d.b for d in dists], dtype=float)
        self.is_log = kinds == LOGNORMAL
        self.all_log = bool(self.is_log.all())
        self.lin_idx = np.flatnonzero(~self.is_log)
        self.log_idx = np.flatnonzero(self.is_log)
        self.log_sigma = (np.log(a[self.log_idx]) / 2)[:, None]
        self.norm_idx = np.flatnonzero(kinds == NORMAL)
        self.norm_sd = a[self.norm_idx][:, None]
        self.tri_idx = np.flatnonzero(kinds == TRIANGULAR)
        self.tri_low, self.tri_high = a[self.tri_idx][:, None], b[self.tri_idx][:, None]
        self.uni_idx = np.flatnonzero(kinds == UNIFORM)
        self.uni_low, self.uni_high = a[self.uni_idx][:, None], b[self.uni_idx][:, None]
        self.fixed_idx = np.flatnonzero(kinds == FIXED)

    def draw(self, rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
        """One chunk into `out` (inputs × iterations, C-contiguous)."""
        size = out.shape[1]
        if self.all_log:  # the common case, without copies
            rng.standard_normal(out=out)
            out *= self.log_sigma
            return out
        if self.log_idx.size:
            out[self.log_idx] = rng.standard_normal((self.log_idx.size, size)) * self.log_sigma
        if self.norm_idx.size:
            out[self.norm_idx] = 1.0 + rng.standard_normal((self.norm_idx.size, size)) * self.norm_sd
        if self.tri_idx.size:
            out[self.tri_idx] = _triangular(rng.random((self.tri_idx.size, size)),
                                            self.tri_low, self.tri_high)
        if self.uni_idx.size:
            u = rng.random((self.uni_idx.size, size))
            out[self.uni_idx] = self.uni_low + u * (self.uni_high - self.uni_low)
        out[self.fixed_idx] = 1.0
        return out


def _triangular(u: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Inverse CDF of the triangular distribution with mode 1 (numpy's own needs low < high)."""
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    split = np.where(width > 0, (1.0 - low) / safe, 0.5)
    left = low + np.sqrt(u * safe * (1.0 - low))
    right = high - np.sqrt((1.0 - u) * safe * (high - 1.0))
    return np.where(width > 0, np.where(u < split, left, right), 1.0)


def _generators(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Two independent streams, quantities and factors (see the module's docstring). SFC64:
    a well-tested generator, a fifth faster than the default PCG64 for normal draws."""
    q_seq, f_seq = np.random.SeedSequence(seed).spawn(2)
    return np.random.Generator(np.random.SFC64(q_seq)), np.random.Generator(np.random.SFC64(f_seq))


def run(inp: UncertaintyInput, *, iterations: int, seed: int,
        keep_draws: bool = False) -> UncertaintyResult | tuple[UncertaintyResult, Draws]:
    """The Monte Carlo analysis: the same input, iterations and seed give the same figures."""
    if iterations < 2:
        raise ValueError("at least two iterations are needed")
    acts = inp.activities
    product_pos = {p.code: i for i, p in enumerate(inp.products)}
    groups: dict[tuple[str, str], int] = {}
    for p in inp.products:
        for s in p.stages:
            groups[(p.code, s)] = len(groups)
    # A lognormal factor used by one lognormal activity only is drawn with it as one normal of
    # σ² = σq² + σf² (exact: the sum of independent normals is normal), which halves the draws
    # of a study whose rows each have a factor of their own. Its correlation with the total
    # splits in proportion (see `_split`).
    users: dict[str, int] = {}
    for a in acts:
        users[a.factor_key] = users.get(a.factor_key, 0) + 1
    dist_of = {k: inp.factors.get(k, Distribution()) for k in users}
    merged = {i: dist_of[a.factor_key] for i, a in enumerate(acts)
              if users[a.factor_key] == 1 and a.quantity.kind == LOGNORMAL
              and dist_of[a.factor_key].kind == LOGNORMAL}
    merged_keys = {acts[i].factor_key for i in merged}
    factor_keys = sorted(k for k in users if k not in merged_keys)
    factor_pos = {k: i for i, k in enumerate(factor_keys)}
    quantities = _Block([_merge(a.quantity, merged[i]) if i in merged else a.quantity
                         for i, a in enumerate(acts)])
    factors = _Block([dist_of[k] for k in factor_keys])
    n_f = len(factor_keys)  # row n_f stays 0: the exponent of the merged factors
    det = np.array([a.kgco2e for a in acts], dtype=float)[:, None]
    factor_of = np.array([factor_pos.get(a.factor_key, n_f) for a in acts], dtype=np.intp)
    factor_is_log = np.append(factors.is_log, True)[factor_of]
    group_matrix = np.zeros((len(groups), len(acts)))
    for i, a in enumerate(acts):
        group_matrix[groups[(a.product, a.stage)], i] = 1.0
    group_product = np.zeros((len(inp.products), len(groups)))
    for (code, _stage), g in groups.items():
        group_product[product_pos[code], g] = 1.0

    q_rng, f_rng = _generators(seed)
    chunk = max(1, min(iterations, MAX_CHUNK_CELLS // max(len(acts), len(factor_keys), 1)))

    n_prod = len(inp.products)
    group_draws = np.empty((len(groups), iterations))
    # Sums for the correlations; the totals centred on their deterministic values so that the
    # variances are not differences of large numbers.
    base = np.array([p.total_kgco2e for p in inp.products], dtype=float)
    sizes = (("q", len(acts)), ("f", n_f))
    sums = {name: np.zeros(n) for name, n in sizes}
    squares = {name: np.zeros(n) for name, n in sizes}
    cross = {name: np.zeros((n, n_prod)) for name, n in sizes}
    buffer_q = np.empty((len(acts), chunk))
    buffer_f = np.zeros((n_f + 1, chunk))
    buffer_kg = np.empty((len(acts), chunk))
    done = 0
    while done < iterations:
        size = min(chunk, iterations - done)
        if size < chunk:
            buffer_q, buffer_f = np.empty((len(acts), size)), np.zeros((n_f + 1, size))
        xq = quantities.draw(q_rng, buffer_q)
        if n_f:
            factors.draw(f_rng, buffer_f[:n_f])
        xf = buffer_f
        if buffer_kg.shape[1] != size:
            buffer_kg = np.empty((len(acts), size))
        kg = _activity_draws(xq, xf, det, factor_of, factor_is_log, quantities, buffer_kg)
        stage_sums = group_matrix @ kg
        group_draws[:, done:done + size] = stage_sums
        y = (group_product @ stage_sums).T - base      # size × products
        for name, x in (("q", xq), ("f", xf[:n_f])):
            sums[name] += x.sum(axis=1)
            squares[name] += np.einsum("ij,ij->i", x, x)
            cross[name] += x @ y
        done += size

    totals = (group_product @ group_draws).T           # iterations × products
    group_draws = group_draws.T
    products = []
    for p in inp.products:
        j = product_pos[p.code]
        y = totals[:, j]
        stages = tuple((s, _summary(group_draws[:, groups[(p.code, s)]], det_value))
                       for s, det_value in zip(p.stages, p.stage_kgco2e, strict=True))
        y_centred = y - base[j]
        y_mean, var_y = float(y_centred.mean()), float(y_centred.var())
        rows: list[tuple[str, str, str, float]] = []  # kind, label, key, r
        mine = [i for i, a in enumerate(acts) if a.product == p.code]
        labels = {acts[i].factor_key: acts[i].factor_label or acts[i].factor_key for i in mine}
        for i in mine:
            r = _correlation(sums["q"][i], squares["q"][i], cross["q"][i, j], y_mean, var_y, iterations)
            if i in merged:
                r_q, r_f = _split(r, acts[i].quantity, merged[i])
                rows.append(("quantity", acts[i].name, str(i), r_q))
                rows.append(("factor", labels[acts[i].factor_key], acts[i].factor_key, r_f))
            else:
                rows.append(("quantity", acts[i].name, str(i), r))
        for k in sorted(k for k in labels if k in factor_pos):
            f = factor_pos[k]
            r = _correlation(sums["f"][f], squares["f"][f], cross["f"][f, j], y_mean, var_y, iterations)
            rows.append(("factor", labels[k], k, r))
        rows = [row for row in rows if row[3]]
        explained = math.fsum(r * r for *_x, r in rows)
        ranked = sorted(rows, key=lambda row: (-row[3] ** 2, row[0], row[1]))
        contributors = tuple(
            Contribution(kind, label, r * r / explained if explained else 0.0, r, key)
            for kind, label, key, r in ranked[:TOP_CONTRIBUTORS]
        )
        edges, counts = _histogram(y)
        products.append(ProductUncertainty(
            code=p.code, name=p.name, total=_summary(y, p.total_kgco2e), stages=stages,
            contributors=contributors, explained=explained,
            histogram_edges=edges, histogram_counts=counts, convergence=_convergence(y),
        ))
    comparisons = tuple(
        Comparison(a.code, b.code, float(np.mean(totals[:, product_pos[a.code]]
                                                 > totals[:, product_pos[b.code]])))
        for n, a in enumerate(inp.products) for b in inp.products[n + 1:]
    )
    result = UncertaintyResult(iterations=iterations, seed=seed, products=tuple(products),
                               comparisons=comparisons)
    if keep_draws:
        return result, Draws(group_draws, totals, groups)
    return result


def _activity_draws(xq: np.ndarray, xf: np.ndarray, det: np.ndarray, factor_of: np.ndarray,
                    factor_is_log: np.ndarray, quantities: _Block, out: np.ndarray) -> np.ndarray:
    """kgCO₂e of every activity in every iteration of the chunk (activities × iterations), in
    `out` (reused from chunk to chunk: a fresh 32 MB array costs its page faults each time)."""
    if quantities.all_log and xf.shape[0] == 1:
        # Every factor merged with its only user's quantity (the row of zeros is all there is).
        kg = np.exp(xq, out=out)
        kg *= det
        return kg
    per_activity = np.take(xf, factor_of, axis=0, out=out)  # the factor's draw, shared by its users
    if factor_is_log.all():
        exponent, linear = per_activity, None
    else:
        rows = factor_is_log[:, None]
        exponent = np.where(rows, per_activity, 0.0)
        linear = np.where(rows, 1.0, per_activity)
    if quantities.all_log:
        exponent += xq
    else:
        exponent[quantities.log_idx] += xq[quantities.log_idx]
    kg = np.exp(exponent, out=exponent)
    kg *= det
    if not quantities.all_log:
        kg[quantities.lin_idx] *= xq[quantities.lin_idx]
    if linear is not None:
        kg *= linear
    return kg


def _merge(quantity: Distribution, factor: Distribution) -> Distribution:
    sigma = math.hypot(quantity.sigma, factor.sigma)
    return Distribution(LOGNORMAL, math.exp(2 * sigma), 0.0, quantity.source)


def _split(r: float, quantity: Distribution, factor: Distribution) -> tuple[float, float]:
    """The correlations of a merged pair's two inputs with the total, from the correlation of
    their sum W = σq·Zq + σf·Zf: E[σq·Zq | W] = W·σq²/σ², so r(Zq, y) = r(W, y)·σq/σ."""
    sigma = math.hypot(quantity.sigma, factor.sigma)
    if sigma == 0:
        return 0.0, 0.0
    return r * quantity.sigma / sigma, r * factor.sigma / sigma


def _correlation(sx: float, sxx: float, sxy: float, y_mean: float, var_y: float, n: int) -> float:
    var_x = sxx / n - (sx / n) ** 2
    if var_x <= 1e-15 or var_y <= 0:  # a fixed input (rounding leaves ~1e-17)
        return 0.0
    cov = sxy / n - (sx / n) * y_mean
    return float(cov / math.sqrt(var_x * var_y))


def _summary(draws: np.ndarray, deterministic: float) -> Summary:
    p2_5, median, p97_5 = np.percentile(draws, [2.5, 50.0, 97.5])
    return Summary(deterministic=float(deterministic), mean=float(draws.mean()),
                   median=float(median), sd=float(draws.std(ddof=1)),
                   p2_5=float(p2_5), p97_5=float(p97_5))


def _convergence(y: np.ndarray) -> Convergence:
    """Half the iterations against all of them (the iterations doubling)."""
    half = y[: len(y) // 2]
    mean = float(y.mean())
    scale = abs(mean) if mean else 1.0
    moves = [abs(float(half.mean()) - mean)]
    moves += [abs(float(a) - float(b)) for a, b in zip(np.percentile(half, [2.5, 97.5]),
                                                      np.percentile(y, [2.5, 97.5]), strict=True)]
    change = max(moves) / scale
    return Convergence(change <= CONVERGENCE_TOLERANCE, change, CONVERGENCE_TOLERANCE)


def _histogram(y: np.ndarray) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """Counts over the central 99.8 % of the draws; the few beyond go into the end bins, so a
    long lognormal tail does not squeeze the rest into three bins."""
    low, high = np.percentile(y, [0.1, 99.9])
    if not high > low:
        low, high = float(y.min()) - 0.5, float(y.max()) + 0.5
    counts, edges = np.histogram(np.clip(y, low, high), bins=HISTOGRAM_BINS, range=(low, high))
    return tuple(float(e) for e in edges), tuple(int(c) for c in counts)


# ----------------------------------------------------------------------- serialisation
def result_to_dict(result: UncertaintyResult, *, top: int = 5) -> dict:
    """The uncertainty summary of the JSON results and of `manage.py uncertainty`."""
    return {
        "method": "monte_carlo",
        "iterations": result.iterations,
        "seed": result.seed,
        "products": [
            {
                "code": p.code, "name": p.name, **p.total.to_dict(),
                "stages": [{"stage": s, **summary.to_dict()} for s, summary in p.stages],
                "contributors": [
                    {"kind": c.kind, "label": c.label, "share": c.share,
                     "correlation": c.correlation} for c in p.contributors[:top]
                ],
                "explained": p.explained,
                "converged": p.convergence.ok,
                "convergence_change": p.convergence.max_change,
            }
            for p in result.products
        ],
        "comparisons": [{"a": c.a, "b": c.b, "p_a_higher": c.p_a_higher}
                        for c in result.comparisons],
    }


def input_from_result(result, *, quantity_of, factors: Mapping[str, Distribution]) -> UncertaintyInput:
    """The Monte Carlo input of a calculated study (`calculation.StudyResult`): every activity
    that adds to a product's total, with `quantity_of(activity_result)` its quantity's
    distribution and `factors[factor_key]` its factor's."""
    products, activities = [], []
    for p in result.products:
        products.append(UncertainProduct(
            code=p.code, name=p.name, total_kgco2e=p.total_kgco2e,
            stages=tuple(s.stage for s in p.stages), stage_kgco2e=tuple(s.kgco2e for s in p.stages)))
        in_boundary = {s.stage for s in p.stages}
        for a in p.activities:
            if a.ok and a.kgco2e != 0 and a.stage in in_boundary:
                activities.append(UncertainActivity(
                    product=p.code, stage=a.stage, name=a.name, kgco2e=a.kgco2e,
                    quantity=quantity_of(a), factor_key=a.factor_key, factor_label=a.factor))
    used = {a.factor_key for a in activities}
    return UncertaintyInput(products=tuple(products), activities=tuple(activities),
                            factors={k: v for k, v in factors.items() if k in used})
