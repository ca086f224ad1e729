"""The aggregated production-location list and its disclosure control (art. 19-21, 24).

`aggregate` turns every company's location list for a year into the cells the secretariat
may publish: per activity, the number of companies and of locations in a country, or in
"the rest" of a sub-region, a region or the world. `public_rows` turns a release into the
published columns. Nothing published may let a reader single out one company (art. 19).

The unit
    A location fact is one company reporting one supplier in a country for an activity. A
    location is a distinct (normalised supplier name, country, activity): a smelter named by
    twelve companies is one location (`normalise_supplier_name`). A company's facts for one
    (country, activity) always travel together; that bundle is a contribution.

The rules, in order
    1. Country cells. The contributions of companies without restricted disclosure form a
       (country, activity) cell, published when at least k distinct companies are in it.
    2. Restricted disclosure (art. 24). A company whose request the Kerngroep approved
       never enters a country cell: its contributions enter at the approved level
       ("subregion", "region" or "world"), in the cell of the area that holds the country.
    3. Roll-up. A cell below k is held back and its contributions move, whole, into the
       remainder cell of the next coarser area for the same activity: country ->
       sub-region -> region -> world. A remainder cell is published with at least k
       companies, otherwise it moves on; a world cell below k is left out.
    4. Bands. Companies in bands starting at k (3-4, 5-9, 10-24, 25+ for k = 3), locations
       in bands 1-9, 10-49, 50-249, 250+; see `Rules` for other k.
    5. Dominance. When the two companies with the most locations in a cell hold more than
       85 % of its locations, its locations figure is withheld (shown as a dash). A
       location reported by several companies counts for each of them, in their share and
       in the whole: a company's share is its locations in the cell over the sum of every
       company's locations there, so shares add up to 100 %. Measured against the distinct
       locations instead, shares would add up to more than 100 % wherever lists overlap,
       as they do around the sector's few large smelters, and most figures would be
       withheld without protecting anyone.

Why no published figure can be differenced into a held-back one
    - Every contribution lies in exactly one cell at each step, and a cell is published or
      moved as a whole, so published cells are disjoint sets of location facts.
    - A remainder cell receives only cells that were not published. No published figure is
      therefore a total of other published figures, and the difference of two published
      figures is never the content of a held-back cell: there is no total beside its parts.
    - A single held-back cell has fewer than k companies, so a remainder made of one
      held-back cell alone is itself below k and moves on. A published remainder holds at
      least k companies coming from two or more held-back cells or from restricted
      contributions, which a reader cannot separate.
    - Cells of different activities are never added up, so they cannot be differenced.
    - Figures are banded and exact counts are for the secretariat only, which limits what
      a company that subtracts its own contribution can learn about the others; with k of
      at least 3 it still faces at least two other companies.

What a remainder row means
    "Western Europe (other)" counts what no finer row of that activity shows: countries
    held back and companies with restricted disclosure, also those whose locations lie in
    a country that has its own row. Locations are counted per cell, so a location reported
    both by such a company and by another one is counted in the country row through the
    one and in the remainder through the other: every figure depends on its own facts
    only. Areas are UN M49 (`ketenkaart.m49`); Antarctica rolls up to the world directly.

Cells come out sorted by activity, level (country first) and area code, and nothing
depends on the order of the input. Pure Python, no Django import.
"""

from __future__ import annotations

import difflib
import heapq
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from ketenkaart import m49
from ketenkaart.m49 import AreaLevel, Language

RestrictionLevel = Literal["subregion", "region", "world"]

RESTRICTION_LEVELS: Final[tuple[RestrictionLevel, ...]] = (
    "subregion",
    "region",
    "world",
)
PUBLIC_COLUMNS: Final = (
    "year",
    "area_level",
    "area_code",
    "area_name",
    "activity",
    "companies",
    "locations",
)
WITHHELD: Final = "-"

_LEVEL_RANK: Final[dict[AreaLevel, int]] = {
    level: rank for rank, level in enumerate(m49.LEVELS)
}
_REMAINDER_NAME: Final[dict[Language, str]] = {
    "en": "{area} (other)",
    "nl": "{area} (overig)",
}


# --- Supplier names ---------------------------------------------------------------------

# Legal forms as they read once normalised: lower case, no accents, no dots or apostrophes,
# a slash between two letters dropped ("S. de R.L." -> "s de rl", "A/S" -> "as"). Left out
# on purpose, because they also end the names of sites: "UG" (underground), "SE"
# (south-east), "NL" (the Netherlands), "AD", "TOO".
_LEGAL_SUFFIXES: Final = """
    ab | ab publ | publ | ag | ag and co kg | aps | as | asa | ao | bhd | berhad | bv | bvba
    cjsc | co | co ltd | co limited | company | company limited | corp | corporation | cv
    dd | dmcc | doo | eg | ehf | eirl | eurl | fzco | fze | fzc | gmbh | gmbh and co kg
    gmbh co kg | hf | inc | incorporated | jsc | kft | kg | kgaa | kk | kabushiki kaisha
    lda | limited | limited liability company | limited liability partnership | llc | llp
    lp | ltd | ltd co | ltd sti | ltda | mbh | nv | nyrt | oao | ohg | ojsc | ooo | oy | oyj
    pao | pcl | persero | pjsc | plc | pte | pte ltd | pty | pty ltd | pty limited
    proprietary limited | private limited | pvt | pvt ltd | public company limited
    public limited company | sa | saa | sab | sab de cv | sac | sa de cv | sae | saic | sal
    sapa | sarl | sas | sasu | sau | sca | s de rl | s de rl de cv | sdn bhd | sl | slu | snc
    sp z oo | spa | spol s ro | sro | srl | sti | tbk | vof | zao | zrt
    and co | and company | and cie | et cie | y cia | joint stock company
    public joint stock company | open joint stock company | closed joint stock company
"""
_LEGAL_PREFIXES: Final = """
    the | pt | cv | ooo | oao | zao | pao | ao | jsc | pjsc | ojsc | cjsc | uab | sia
"""


def _forms(text: str) -> frozenset[tuple[str, ...]]:
    return frozenset(
        tuple(form.split()) for form in re.split(r"[|\n]", text) if form.strip()
    )


_SUFFIXES: Final = _forms(_LEGAL_SUFFIXES)
_PREFIXES: Final = _forms(_LEGAL_PREFIXES)
_LONGEST_SUFFIX: Final = max(len(form) for form in _SUFFIXES)
_LONGEST_PREFIX: Final = max(len(form) for form in _PREFIXES)

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS: Final = str.maketrans(
    {
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "þ": "th",
        "\u0131": "i",
    }
)
# Dots and apostrophes (also the acute, typographic and modifier ones) join what they
# separate: "B.V." -> "BV", "Ji'an" -> "Jian".
_DROPPED: Final = re.compile("[.'`\u00b4\u2018\u2019\u02bc]")
_SEPARATORS: Final = re.compile(r"[\W_]+")
_BRACKETS: Final = re.compile(r"[()\[\]]")
_SLASHED_INITIALS: Final = re.compile(r"\b(\w)/(\w)\b")  # "A/S" -> "AS"
# Parenthesised legal forms: "(Pty) Ltd", "AB (publ)", "PT Timah (Persero) Tbk".
_BRACKETED_FORM: Final = re.compile(
    r"\((?:pty|publ|pvt|private|persero)\)", re.IGNORECASE
)
# UTF-8 read as Windows-1252 ("HoundÃ©" for "Houndé"): a lead byte read as a letter, then
# a continuation byte read as a symbol.
_MOJIBAKE: Final = re.compile(
    "[\u00c2-\u00f4][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
_CP1252: Final[dict[str, int]] = {}
for _byte in range(0x80, 0x100):
    try:
        _CP1252[bytes([_byte]).decode("cp1252")] = _byte
    except UnicodeDecodeError:
        continue


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was read as Windows-1252, up to three times over."""
    for _ in range(3):
        if not _MOJIBAKE.search(text):
            break
        raw = bytearray()
        for char in text:
            code = _CP1252.get(char, ord(char))
            if code > 0xFF:
                return text
            raw.append(code)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            break
    return text


def _strip_legal_forms(tokens: list[str]) -> list[str]:
    """Drop leading and trailing legal forms, but never the last word of a name."""
    changed = True
    while changed:
        changed = False
        for size in range(min(_LONGEST_PREFIX, len(tokens) - 1), 0, -1):
            if tuple(tokens[:size]) in _PREFIXES:
                tokens = tokens[size:]
                changed = True
                break
        for size in range(min(_LONGEST_SUFFIX, len(tokens) - 1), 0, -1):
            if tuple(tokens[-size:]) in _SUFFIXES:
                tokens = tokens[:-size]
                changed = True
                break
    return tokens


def normalise_supplier_name(name: str) -> str:
    """The form under which two spellings of one supplier compare equal.

    Case, accents, punctuation, whitespace and legal forms are ignored ("Schöne Edelmetaal
    B.V." and "SCHONE EDELMETAAL BV" both become "schone edelmetaal"), "&" reads as "and",
    and text garbled by a wrong encoding ("HoundÃ©") is repaired first. A legal form is
    dropped only at the start or end and never when nothing else is left, so "AB" or
    "Corporation" alone stay as they are. A name of punctuation only keeps its characters.
    """
    text = name if name.isascii() else _repair_mojibake(name)
    text = _BRACKETED_FORM.sub(" ", text).casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
        text = text.translate(_LETTERS)
    text = text.replace("&", " and ")
    text = _DROPPED.sub("", _SLASHED_INITIALS.sub(r"\1\2", text))
    # Legal forms end the part before a bracket too: "Industries LLC (USI)".
    tokens = []
    for part in _BRACKETS.split(text):
        tokens.extend(_strip_legal_forms(_SEPARATORS.sub(" ", part).split()))
    return " ".join(tokens) or " ".join(name.casefold().split())


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A candidate supplier name that matches a name exactly (score 1.0) or nearly."""

    candidate: str
    normalised: str
    score: float


def _ratio(left: str, right: str, cutoff: float) -> float:
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
        return 0.0
    return matcher.ratio()


def similar_names(
    name: str, candidates: Iterable[str], *, cutoff: float = 0.85, limit: int = 10
) -> list[NameMatch]:
    """The candidates whose normalised name equals or resembles that of `name`.

    For a person to confirm, e.g. which suppliers in the location lists a report about a
    supplier is about. The score is the similarity of the normalised names (difflib's
    ratio), also tried with the words sorted so that "Mayarí Nicaro" finds "Nicaro
    Mayarí"; an equal normalised name scores 1.0. Best first, at most `limit`.
    """
    wanted = normalise_supplier_name(name)
    wanted_sorted = " ".join(sorted(wanted.split()))
    matches = []
    for candidate in set(candidates):
        normalised = normalise_supplier_name(candidate)
        if normalised == wanted:
            score = 1.0
        else:
            score = max(
                _ratio(wanted, normalised, cutoff),
                _ratio(wanted_sorted, " ".join(sorted(normalised.split())), cutoff),
            )
        if score >= cutoff:
            matches.append(NameMatch(candidate, normalised, score))
    matches.sort(key=lambda match: (-match.score, match.normalised, match.candidate))
    return matches[:limit]


# --- Input and rules --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocationFact:
    """One company reporting one production location (a line of its list)."""

    company_id: int
    supplier_name: str
    country: str  # ISO 3166-1 alpha-2
    activity: str


@dataclass(frozen=True, slots=True)
class Restriction:
    """The Kerngroep approved restricted disclosure for a company at `level` (art. 24)."""

    company_id: int
    level: RestrictionLevel


def _band_starts(starts: Iterable[int]) -> tuple[int, ...]:
    """Merge every band that would hold one value into the next: a band is never exact."""
    merged = list(starts)
    index = 0
    while index < len(merged) - 1:
        if merged[index + 1] - merged[index] == 1:
            del merged[index + 1]
        else:
            index += 1
    return tuple(merged)


@dataclass(frozen=True)
class Rules:
    """The disclosure rules of a release: the Kerngroep's data, with these defaults.

    Company bands start at k and then at each of `company_band_starts` above k, so k = 3
    gives 3-4, 5-9, 10-24, 25+ and k = 5 gives 5-9, 10-24, 25+. A band that would hold a
    single value is merged into the next one, because a band of one value is an exact
    figure: k = 4 gives 4-9, 10-24, 25+ and k = 24 gives 24+. k must be at least 2; k = 2
    lets each of two companies in a cell read the other's band, which is why the default
    is 3.
    """

    k: int = 3
    dominance_percent: int = 85
    dominant_companies: int = 2
    company_band_starts: tuple[int, ...] = (5, 10, 25)
    location_band_starts: tuple[int, ...] = (1, 10, 50, 250)
    company_bands: tuple[int, ...] = field(init=False, repr=False, compare=False)
    location_bands: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.k < 2:
            raise ValueError(
                "k must be at least 2: a cell of one company is that company"
            )
        if not 0 < self.dominance_percent <= 100:
            raise ValueError("dominance_percent must lie in 1-100")
        if self.dominant_companies < 1:
            raise ValueError("dominant_companies must be at least 1")
        for starts in (self.company_band_starts, self.location_band_starts):
            if list(starts) != sorted(set(starts)) or not starts or starts[0] < 1:
                raise ValueError(f"band starts must rise from 1 or more: {starts}")
        if self.location_band_starts[0] != 1:
            raise ValueError("location bands must start at 1")
        company = _band_starts(
            [self.k, *(start for start in self.company_band_starts if start > self.k)]
        )
        object.__setattr__(self, "company_bands", company)
        object.__setattr__(
            self, "location_bands", _band_starts(self.location_band_starts)
        )

    def as_dict(self) -> dict[str, int | list[int]]:
        """The rules as stored with a release."""
        return {
            "k": self.k,
            "dominance_percent": self.dominance_percent,
            "dominant_companies": self.dominant_companies,
            "company_band_starts": list(self.company_band_starts),
            "location_band_starts": list(self.location_band_starts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, int | list[int]]) -> Rules:
        def number(key: str, default: int) -> int:
            value = data.get(key, default)
            if not isinstance(value, int):
                raise ValueError(f"{key} must be a whole number")
            return value

        def starts(key: str, default: tuple[int, ...]) -> tuple[int, ...]:
            value = data.get(key, list(default))
            if isinstance(value, int):
                raise ValueError(f"{key} must be a list of whole numbers")
            return tuple(value)

        defaults = cls()
        return cls(
            k=number("k", defaults.k),
            dominance_percent=number("dominance_percent", defaults.dominance_percent),
            dominant_companies=number(
                "dominant_companies", defaults.dominant_companies
            ),
            company_band_starts=starts(
                "company_band_starts", defaults.company_band_starts
            ),
            location_band_starts=starts(
                "location_band_starts", defaults.location_band_starts
            ),
        )


DEFAULT_RULES: Final = Rules()


def _band(count: int, starts: tuple[int, ...]) -> str:
    for index in range(len(starts) - 1, -1, -1):
        if count >= starts[index]:
            if index == len(starts) - 1:
                return f"{starts[index]}+"
            return f"{starts[index]}-{starts[index + 1] - 1}"
    raise ValueError(f"{count} lies below the first band ({starts[0]})")


def company_band(count: int, rules: Rules = DEFAULT_RULES) -> str:
    """The published band of a number of companies, at least k: "3-4", "25+"."""
    return _band(count, rules.company_bands)


def location_band(count: int, rules: Rules = DEFAULT_RULES) -> str:
    """The published band of a number of locations, at least 1: "1-9", "250+"."""
    return _band(count, rules.location_bands)


# --- Output -----------------------------------------------------------------------------

# Per country, the companies whose locations there are counted in a cell.
Sources = tuple[tuple[str, frozenset[int]], ...]


@dataclass(frozen=True)
class Cell:
    """A published cell: exact figures for the secretariat, bands for everyone else.

    `companies`, `locations` and `sources` are exact and for the secretariat only.
    `locations_band` is None when the dominance rule withholds it.
    """

    area_level: AreaLevel
    area_code: str
    activity: str
    companies: frozenset[int]
    locations: int
    sources: Sources
    companies_band: str
    locations_band: str | None


@dataclass(frozen=True)
class HeldBack:
    """A cell below k, for the secretariat: where its contributions ended up.

    `published_in` is the (area_level, area_code) of the published cell that carries its
    contributions, or None when they were left out of the release.
    """

    area_level: AreaLevel
    area_code: str
    activity: str
    companies: frozenset[int]
    locations: int
    sources: Sources
    published_in: tuple[AreaLevel, str] | None


@dataclass(frozen=True)
class Release:
    """The outcome of `aggregate`: published cells and held-back cells, both sorted."""

    rules: Rules
    cells: tuple[Cell, ...]
    held_back: tuple[HeldBack, ...]

    @property
    def k(self) -> int:
        return self.rules.k


@dataclass(frozen=True, slots=True)
class PublicRow:
    """A published line of the aggregated list, in the order of PUBLIC_COLUMNS."""

    year: int
    area_level: AreaLevel
    area_code: str
    area_name: str
    activity: str
    companies: str
    locations: str


# --- Aggregation ------------------------------------------------------------------------

# Where a company's contributions enter: "country" without a restriction, otherwise the
# approved level.
_Kind = AreaLevel

_UNRESTRICTED: Final[frozenset[_Kind]] = frozenset({"country"})


class _Pool:
    """A cell while it is being built: the contributions in it and, later, its figures."""

    __slots__ = (
        "activity",
        "by_country",
        "code",
        "holdings",
        "level",
        "locations",
        "parent",
        "published",
    )

    def __init__(self, activity: str, level: AreaLevel, code: str) -> None:
        self.activity = activity
        self.level: AreaLevel = level
        self.code = code
        self.by_country: dict[str, set[int]] = {}
        self.parent: _Pool | None = None
        self.published = False
        self.locations = 0
        self.holdings: Counter[int] = Counter()

    def add(self, country: str, companies: set[int]) -> None:
        self.by_country.setdefault(country, set()).update(companies)

    def absorb(self, child: _Pool) -> None:
        for country, companies in child.by_country.items():
            self.add(country, companies)
        child.parent = self

    def companies(self) -> frozenset[int]:
        return frozenset().union(*self.by_country.values())

    def frozen_sources(self) -> Sources:
        return tuple(
            (country, frozenset(companies))
            for country, companies in sorted(self.by_country.items())
        )

    def dominated(self, rules: Rules) -> bool:
        largest = heapq.nlargest(rules.dominant_companies, self.holdings.values())
        return 100 * sum(largest) > rules.dominance_percent * self.holdings.total()

    def chain(self) -> list[_Pool]:
        """This pool and every pool it moved into."""
        pools = [self]
        parent = self.parent
        while parent is not None:
            pools.append(parent)
            parent = parent.parent
        return pools


def _restriction_levels(restrictions: Iterable[Restriction]) -> dict[int, _Kind]:
    """Company -> approved level; of two approvals for one company the coarser holds."""
    levels: dict[int, _Kind] = {}
    for restriction in restrictions:
        if restriction.level not in RESTRICTION_LEVELS:
            raise ValueError(f"unknown restriction level {restriction.level!r}")
        current = levels.get(restriction.company_id)
        if current is None or _LEVEL_RANK[restriction.level] > _LEVEL_RANK[current]:
            levels[restriction.company_id] = restriction.level
    return levels


def _read(
    facts: Iterable[LocationFact],
) -> dict[tuple[str, str], dict[str, set[int]]]:
    """(activity, country) -> normalised supplier name -> the companies reporting it."""
    # One dictionary step per fact, keyed on the name as written; each distinct name is
    # normalised once afterwards. This loop is most of the time for a million facts.
    as_written: defaultdict[tuple[str, str, str], set[int]] = defaultdict(set)
    for fact in facts:
        as_written[fact.activity, fact.country, fact.supplier_name].add(fact.company_id)
    unknown = sorted({key[1] for key in as_written} - m49.COUNTRIES)
    if unknown:
        raise ValueError(f"unknown country codes: {', '.join(unknown)}")

    names: dict[str, str] = {}
    cells: dict[tuple[str, str], dict[str, set[int]]] = {}
    for (activity, country, written), companies in as_written.items():
        name = names.get(written)
        if name is None:
            name = names[written] = normalise_supplier_name(written)
        locations = cells.get((activity, country))
        if locations is None:
            locations = cells[(activity, country)] = {}
        reporters = locations.get(name)
        if reporters is None:
            locations[name] = companies
        else:
            reporters |= companies
    return cells


def _count(
    cells: Mapping[tuple[str, str], dict[str, set[int]]],
    chains: Mapping[tuple[str, str, _Kind], list[_Pool]],
    levels: Mapping[int, _Kind],
    restricted_in: Mapping[tuple[str, str], set[int]],
) -> None:
    """Count each pool's distinct locations and each company's locations in it.

    `restricted_in` holds, per (activity, country), the companies with restricted
    disclosure that report there: their locations lie in other pools than the rest's, and
    a location reported by both kinds is counted in the pools of each.
    """
    for cell, locations in cells.items():
        activity, country = cell
        holdings = Counter(itertools.chain.from_iterable(locations.values()))
        restricted = restricted_in.get(cell)
        if not restricted:
            for pool in chains[(activity, country, "country")]:
                pool.locations += len(locations)
                pool.holdings.update(holdings)
            continue
        for company in restricted:
            count = holdings.pop(company)
            for pool in chains[(activity, country, levels[company])]:
                pool.holdings[company] += count
        if holdings:
            for pool in chains[(activity, country, "country")]:
                pool.holdings.update(holdings)
        # Which kinds of company report a location decides the pools it is counted in.
        patterns: Counter[frozenset[_Kind]] = Counter()
        for reporters in locations.values():
            if reporters.isdisjoint(restricted):
                patterns[_UNRESTRICTED] += 1
                continue
            own = reporters & restricted
            kinds: set[_Kind] = {levels[company] for company in own}
            if len(own) < len(reporters):
                kinds.add("country")
            patterns[frozenset(kinds)] += 1
        for pattern, count in patterns.items():
            pools = {
                id(pool): pool
                for kind in pattern
                for pool in chains[(activity, country, kind)]
            }
            for pool in pools.values():
                pool.locations += count


def _sort_key(level: AreaLevel, code: str, activity: str) -> tuple[str, int, str]:
    return (activity, _LEVEL_RANK[level], code)


def aggregate(
    facts: Iterable[LocationFact],
    restrictions: Iterable[Restriction] = (),
    rules: Rules = DEFAULT_RULES,
) -> Release:
    """The cells of the aggregated list that may be published, under `rules`.

    Follows the rules in this module's docstring. The result does not depend on the order
    of `facts` or `restrictions`. Raises ValueError for a country code that is not ISO
    3166-1 alpha-2 or an unknown restriction level.
    """
    levels = _restriction_levels(restrictions)
    cells = _read(facts)
    restricted = frozenset(levels)

    pools: dict[tuple[str, AreaLevel, str], _Pool] = {}

    def pool_at(activity: str, level: AreaLevel, code: str) -> _Pool:
        pool = pools.get((activity, level, code))
        if pool is None:
            pool = pools[(activity, level, code)] = _Pool(activity, level, code)
        return pool

    first: dict[tuple[str, str, _Kind], _Pool] = {}
    restricted_in: dict[tuple[str, str], set[int]] = {}
    for (activity, country), locations in cells.items():
        reporters: set[int] = set().union(*locations.values())
        by_kind: dict[_Kind, set[int]] = {}
        if restricted and not restricted.isdisjoint(reporters):
            restricted_in[(activity, country)] = reporters & restricted
            for company in restricted_in[(activity, country)]:
                by_kind.setdefault(levels[company], set()).add(company)
        unrestricted = reporters - restricted
        if unrestricted:
            by_kind["country"] = unrestricted
        for kind, group in by_kind.items():
            pool = pool_at(activity, *m49.area_of(country, kind))
            pool.add(country, group)
            first[(activity, country, kind)] = pool

    # Level by level, finest first: a pool only ever moves into a coarser one.
    for level in m49.LEVELS:
        for key in sorted(key for key in pools if key[1] == level):
            pool = pools[key]
            if len(pool.companies()) >= rules.k:
                pool.published = True
                continue
            parent = m49.parent_area(pool.level, pool.code)
            if parent is not None:
                pool_at(pool.activity, *parent).absorb(pool)

    chains = {source: pool.chain() for source, pool in first.items()}
    _count(cells, chains, levels, restricted_in)

    published: list[Cell] = []
    held_back: list[HeldBack] = []
    for pool in pools.values():
        companies = pool.companies()
        if pool.published:
            published.append(
                Cell(
                    area_level=pool.level,
                    area_code=pool.code,
                    activity=pool.activity,
                    companies=companies,
                    locations=pool.locations,
                    sources=pool.frozen_sources(),
                    companies_band=company_band(len(companies), rules),
                    locations_band=(
                        None
                        if pool.dominated(rules)
                        else location_band(pool.locations, rules)
                    ),
                )
            )
            continue
        end = pool.chain()[-1]
        held_back.append(
            HeldBack(
                area_level=pool.level,
                area_code=pool.code,
                activity=pool.activity,
                companies=companies,
                locations=pool.locations,
                sources=pool.frozen_sources(),
                published_in=(end.level, end.code) if end.published else None,
            )
        )
    published.sort(
        key=lambda cell: _sort_key(cell.area_level, cell.area_code, cell.activity)
    )
    held_back.sort(
        key=lambda cell: _sort_key(cell.area_level, cell.area_code, cell.activity)
    )
    return Release(rules=rules, cells=tuple(published), held_back=tuple(held_back))


def area_label(level: AreaLevel, code: str, language: Language = "en") -> str:
    """The name of a published row's area: the country, or the sub-region, region or
    world with "(other)", since such a row holds only what no finer row shows."""
    if level == "country":
        return m49.country_name(code, language)
    return _REMAINDER_NAME[language].format(area=m49.area_name(code, language))


def public_rows(
    release: Release,
    year: int,
    *,
    language: Language = "en",
    country_names: Mapping[str, str] | Callable[[str], str] | None = None,
) -> list[PublicRow]:
    """The published lines of a release: bands only, a dash for a withheld figure.

    Country rows are named by `country_names` (a mapping or a function of the ISO code)
    when given, otherwise by ISO 3166-1 in `language`. A sub-region, region or world row
    holds what is not shown in a finer row, and says so: "Western Europe (other)".
    """
    if language not in m49.LANGUAGES:
        raise ValueError(f"unknown language {language!r}")

    def country_name(code: str) -> str:
        if country_names is None:
            return m49.country_name(code, language)
        if callable(country_names):
            return country_names(code)
        return country_names[code]

    rows = []
    for cell in release.cells:
        if cell.area_level == "country":
            name = country_name(cell.area_code)
        else:
            name = area_label(cell.area_level, cell.area_code, language)
        rows.append(
            PublicRow(
                year=year,
                area_level=cell.area_level,
                area_code=cell.area_code,
                area_name=name,
                activity=cell.activity,
                companies=cell.companies_band,
                locations=cell.locations_band or WITHHELD,
            )
        )
    return rows
