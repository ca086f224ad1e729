"""The aggregated location list: every rule of issue 4, "Disclosure control", one table each.

Companies are numbered; a company's list is written as the sites it reports in a country.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import fields
from pathlib import Path

import pycountry
import pytest

from ketenkaart import m49
from ketenkaart.aggregation import (
    DEFAULT_RULES,
    PUBLIC_COLUMNS,
    WITHHELD,
    Cell,
    HeldBack,
    LocationFact,
    PublicRow,
    Release,
    Restriction,
    Rules,
    aggregate,
    company_band,
    location_band,
    normalise_supplier_name,
    public_rows,
    similar_names,
)

pytestmark = pytest.mark.core

# The shared reference data lies beside the repository.
FACILITIES = Path(__file__).resolve().parents[3] / "shared" / "data" / "facilities.csv"


def reports(
    country: str,
    *companies: int,
    sites: tuple[str, ...] = ("Site",),
    activity: str = "mining",
) -> list[LocationFact]:
    """Every company in `companies` reports every site in `sites`."""
    return [
        LocationFact(company, site, country, activity)
        for company in companies
        for site in sites
    ]


def garbled(text: str, times: int = 1) -> str:
    """`text` as UTF-8 read as Windows-1252, `times` over."""
    for _ in range(times):
        text = text.encode("utf-8").decode("cp1252")
    return text


def published(release: Release) -> dict[tuple[str, str, str], Cell]:
    return {(c.activity, c.area_level, c.area_code): c for c in release.cells}


def held(release: Release) -> dict[tuple[str, str, str], HeldBack]:
    return {(c.activity, c.area_level, c.area_code): c for c in release.held_back}


# --- Normalisation of supplier names ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Case, whitespace, accents and punctuation
        ("  ZIJIN   mining ", "zijin mining"),
        ("Nikšić Bauxite Mines", "niksic bauxite mines"),
        ("Grønnedal-Íka", "gronnedal ika"),
        ("Met-Mex Peñoles", "met mex penoles"),
        ("SOMAÏR Mine & Mill", "somair mine and mill"),
        ("Rössing Uranium Mine", "rossing uranium mine"),
        ("SLN \\- Népoui Mine", "sln nepoui mine"),
        ("Oryx/Beisa", "oryx beisa"),
        ("Cheolsan REE/Uranium Deposit", "cheolsan ree uranium deposit"),
        ("Ji'an Luxia Mine", "jian luxia mine"),
        ("Ji\u2019an Luxia Mine", "jian luxia mine"),
        ("Glenfine South Co. Mine No. 2 Shaft", "glenfine south co mine no 2 shaft"),
        # UTF-8 read as Windows-1252, once and twice, as it occurs in the shared data
        ("HoundÃ©", "hounde"),
        ("San CipriÃ¡n Refinery", "san ciprian refinery"),
        (garbled("Pyhäsalmi"), "pyhasalmi"),
        (garbled("Zaldívar Mine"), "zaldivar mine"),
        (
            garbled("Sydvaranger Mining Bjørnevatn Mine"),
            "sydvaranger mining bjornevatn mine",
        ),
        (garbled("AVG Esperança Mine", times=2), "avg esperanca mine"),
        (garbled("Ji\u2019an Luxia Mine", times=2), "jian luxia mine"),
        # Legal forms at the end
        ("Schöne Edelmetaal B.V.", "schone edelmetaal"),
        ("SCHONE EDELMETAAL BV", "schone edelmetaal"),
        ("Umicore N.V.", "umicore"),
        ("Aurubis AG", "aurubis"),
        ("Salzgitter Flachstahl GmbH", "salzgitter flachstahl"),
        ("Heraeus Deutschland GmbH & Co. KG", "heraeus deutschland"),
        ("Glencore plc", "glencore"),
        ("Electrosteel Steels Limited", "electrosteel steels"),
        ("Hindustan Zinc Ltd.", "hindustan zinc"),
        ("Tata Steel Pvt. Ltd.", "tata steel"),
        ("Sun Metal Casting Factory LLC", "sun metal casting factory"),
        ("Kazzinc LLP", "kazzinc"),
        ("Freeport-McMoRan Inc.", "freeport mcmoran"),
        ("Mitsubishi Materials Corporation", "mitsubishi materials"),
        ("Great Southern Co.", "great southern"),
        ("The Doe Run Company", "doe run"),
        ("Yunnan Tin Company Limited", "yunnan tin"),
        ("Jiangxi Copper Co., Ltd.", "jiangxi copper"),
        ("Zijin Mining Group Co. Ltd", "zijin mining group"),
        ("Dowa Metals & Mining Co., Ltd.", "dowa metals and mining"),
        ("Tanaka Kikinzoku Kogyo K.K.", "tanaka kikinzoku kogyo"),
        ("Nyrstar Port Pirie Pty Ltd", "nyrstar port pirie"),
        ("Rand Refinery (Pty) Ltd", "rand refinery"),
        ("Vale S.A.", "vale"),
        ("KGHM Polska Miedź S.A.", "kghm polska miedz"),
        ("Industrias Peñoles, S.A.B. de C.V.", "industrias penoles"),
        ("Minera San Xavier S. de R.L. de C.V.", "minera san xavier"),
        ("Minera Yanacocha S.R.L.", "minera yanacocha"),
        ("Volcan Compañía Minera S.A.A.", "volcan compania minera"),
        ("Metalurgica Met-Mex S.A.S.", "metalurgica met mex"),
        ("Nuova Samim S.p.A.", "nuova samim"),
        ("Vale Mineração Ltda", "vale mineracao"),
        ("Boliden AB (publ)", "boliden"),
        ("Outokumpu Oyj", "outokumpu"),
        ("Norsk Hydro ASA", "norsk hydro"),
        ("Elkem A/S", "elkem"),
        ("Rahman Hydraulic Tin Bhd", "rahman hydraulic tin"),
        ("Kuala Langat Mining Sdn Bhd", "kuala langat mining"),
        ("Malaysia Smelting Corporation Berhad", "malaysia smelting"),
        ("Al Etihad Gold Refinery DMCC", "al etihad gold refinery"),
        ("Thaisarco Public Company Limited", "thaisarco"),
        # ... and at the start, or both
        ("PT Timah (Persero) Tbk", "timah"),
        ("PT. Vale Indonesia Tbk.", "vale indonesia"),
        ("PJSC MMC Norilsk Nickel", "mmc norilsk nickel"),
        ("OOO Ural Mining", "ural mining"),
        ("JSC Kazzinc", "kazzinc"),
        # A legal form before a bracketed abbreviation
        ("United Steel Industries LLC (USI)", "united steel industries usi"),
        ("Arabian Gulf Steel Industries (AGSI)", "arabian gulf steel industries agsi"),
        # Words that are part of a site's name stay
        ("Beresford UG", "beresford ug"),
        ("Deep South UG", "deep south ug"),
        ("Cominair SA Copper Project", "cominair sa copper project"),
        (
            "Kanichee Mining Co. Nickel Copper Mine",
            "kanichee mining co nickel copper mine",
        ),
        ("Harmony Gold Group", "harmony gold group"),
        ("Hollandse Draadtrekkerij Holding B.V.", "hollandse draadtrekkerij holding"),
        # A legal form standing alone is the name
        ("AB", "ab"),
        ("PT", "pt"),
        ("Corporation", "corporation"),
        ("Limited", "limited"),
        ("S.A.", "sa"),
        ("The Company", "company"),
        # Nothing but punctuation keeps its characters
        ("---", "---"),
        ("", ""),
    ],
)
def test_normalise_supplier_name(name, expected):
    assert normalise_supplier_name(name) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ("Umicore", "UMICORE N.V.", "Umicore NV", "umicore n.v.", " Umicore  S.A. "),
        (
            "Jiangxi Copper",
            "Jiangxi Copper Co., Ltd.",
            "JIANGXI COPPER COMPANY LIMITED",
        ),
        ("Peñoles", "Penoles", "PEÑOLES S.A.B. DE C.V.", "Peñoles, S.A. de C.V."),
        ("Houndé", "HoundÃ©", "Hounde"),
        ("Smith & Co", "Smith and Co.", "SMITH & COMPANY"),
        ("Elkem A/S", "Elkem AS", "Elkem ASA"),
    ],
)
def test_spellings_of_one_supplier_are_one_name(spellings):
    assert len({normalise_supplier_name(name) for name in spellings}) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Beresford UG", "Beresford"),
        ("Mina A", "Mina B"),
        ("Kidd Creek Mine", "Kidd Creek Mine No. 2"),
        ("Zinkgruvan", "Zinkgruvan Nord"),
    ],
)
def test_different_suppliers_stay_apart(left, right):
    assert normalise_supplier_name(left) != normalise_supplier_name(right)


def test_the_shared_facility_names_only_merge_their_garbled_spellings():
    groups: defaultdict[tuple[str, str, str], set[str]] = defaultdict(set)
    with FACILITIES.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        key = (normalise_supplier_name(row["supplier_name"]), row["country"])
        groups[(*key, row["activity"])].add(row["supplier_name"])

    merged = sorted(sorted(names) for names in groups.values() if len(names) > 1)
    assert merged == [
        ["Hounde", "HoundÃ©"],
        ["Pyhasalmi", "PyhÃ¤salmi"],
        ["San Ciprian Refinery", "San CipriÃ¡n Refinery"],
    ]
    assert len(groups) == len(rows) - 3


def test_similar_names_finds_exact_and_near_spellings():
    candidates = [
        "Umicore Hoboken N.V.",
        "UMICORE HOBOKEN",
        "Umicor Hoboken",
        "Umicore Olen",
        "Boliden Rönnskär",
        "Hoboken Umicore",
    ]
    matches = similar_names("Umicore Hoboken", candidates, cutoff=0.85)

    assert [(m.candidate, m.score) for m in matches[:3]] == [
        ("Hoboken Umicore", 1.0),  # the same words in another order
        ("UMICORE HOBOKEN", 1.0),
        ("Umicore Hoboken N.V.", 1.0),
    ]
    assert [m.candidate for m in matches[3:]] == ["Umicor Hoboken"]
    assert 0.85 <= matches[3].score < 1.0
    assert [m.normalised for m in matches[:3]] == [
        "hoboken umicore",
        "umicore hoboken",
        "umicore hoboken",
    ]


def test_similar_names_respects_cutoff_and_limit():
    candidates = ["Kidd Creek Mine", "Kid Creek Mine", "Kidd Creek", "Mount Isa"]

    assert similar_names("Kidd Creek Mine", candidates, cutoff=1.0) == similar_names(
        "KIDD CREEK MINE", candidates, cutoff=1.0
    )
    assert [m.candidate for m in similar_names("Kidd Creek Mine", candidates)] == [
        "Kidd Creek Mine",
        "Kid Creek Mine",
    ]
    assert [
        m.candidate for m in similar_names("Kidd Creek Mine", candidates, cutoff=0.75)
    ] == ["Kidd Creek Mine", "Kid Creek Mine", "Kidd Creek"]
    assert len(similar_names("Kidd Creek Mine", candidates, limit=1)) == 1
    assert similar_names("Escondida", candidates) == []


# --- The M49 areas ----------------------------------------------------------------------


def test_every_iso_country_has_an_m49_area():
    iso = {country.alpha_2 for country in pycountry.countries}

    assert iso == m49.COUNTRIES
    assert len(iso) == 249
    for code in iso - {"AQ"}:
        subregion = m49.subregion_of(code)
        assert subregion in m49.SUBREGION_REGION
        assert m49.region_of(code) in m49.REGIONS
    assert m49.subregion_of("AQ") is None
    assert m49.region_of("AQ") is None


def test_areas_are_22_subregions_in_5_regions_with_both_names():
    assert len(m49.SUBREGION_REGION) == 22
    assert set(m49.REGIONS) == {"002", "009", "019", "142", "150"}
    assert set(m49.AREA_NAMES) == {*m49.SUBREGION_REGION, *m49.REGIONS, m49.WORLD}
    for names in m49.AREA_NAMES.values():
        assert set(names) == {"en", "nl"}
        assert all(names.values())
    assert m49.area_name("155") == "Western Europe"
    assert m49.area_name("155", "nl") == "West-Europa"
    assert m49.area_name("018", "nl") == "Zuidelijk Afrika"
    assert m49.area_name(m49.WORLD, "nl") == "Wereld"


@pytest.mark.parametrize(
    ("country", "subregion", "region"),
    [
        ("NL", "155", "150"),
        ("CD", "017", "002"),
        ("ZA", "018", "002"),
        ("CL", "005", "019"),
        ("MX", "013", "019"),
        ("US", "021", "019"),
        ("CN", "030", "142"),
        ("ID", "035", "142"),
        ("TR", "145", "142"),
        ("RU", "151", "150"),
        ("GG", "154", "150"),
        ("AU", "053", "009"),
        ("NC", "054", "009"),
    ],
)
def test_country_areas(country, subregion, region):
    assert m49.subregion_of(country) == subregion
    assert m49.region_of(country) == region
    assert m49.area_of(country, "subregion") == ("subregion", subregion)
    assert m49.area_of(country, "region") == ("region", region)
    assert m49.area_of(country, "world") == ("world", "001")
    assert m49.parent_area("country", country) == ("subregion", subregion)
    assert m49.parent_area("subregion", subregion) == ("region", region)
    assert m49.parent_area("region", region) == ("world", "001")
    assert m49.parent_area("world", "001") is None


def test_antarctica_rolls_up_to_the_world():
    assert m49.area_of("AQ", "subregion") == ("world", "001")
    assert m49.parent_area("country", "AQ") == ("world", "001")


@pytest.mark.parametrize(
    ("code", "english", "dutch"),
    [
        ("NL", "Netherlands", "Nederland"),
        ("BO", "Bolivia", "Bolivia"),
        ("KR", "South Korea", "Zuid-Korea"),
        ("CI", "Côte d'Ivoire", "Ivoorkust"),
        ("ZA", "South Africa", "Zuid-Afrika"),
    ],
)
def test_country_names(code, english, dutch):
    assert m49.country_name(code) == english
    assert m49.country_name(code, "nl") == dutch


def test_unknown_country_codes_are_refused():
    with pytest.raises(ValueError, match="'XK'"):
        m49.subregion_of("XK")
    with pytest.raises(ValueError, match="'nl'"):
        m49.country_name("nl")


# --- Counting locations -----------------------------------------------------------------


def test_a_location_counts_once_however_many_companies_report_it():
    facts = [
        LocationFact(1, "Umicore Hoboken N.V.", "BE", "smelting_refining"),
        LocationFact(2, "UMICORE HOBOKEN", "BE", "smelting_refining"),
        LocationFact(3, "Umicore Hoboken", "BE", "smelting_refining"),
        LocationFact(3, "Umicore Hoboken NV", "BE", "smelting_refining"),
        LocationFact(3, "Umicore Olen", "BE", "smelting_refining"),
    ]

    (cell,) = aggregate(facts).cells

    assert (cell.area_level, cell.area_code, cell.activity) == (
        "country",
        "BE",
        "smelting_refining",
    )
    assert cell.companies == {1, 2, 3}
    assert cell.locations == 2
    assert cell.sources == (("BE", frozenset({1, 2, 3})),)


def test_the_same_name_in_another_country_or_activity_is_another_location():
    facts = [
        *reports("BE", 1, 2, 3, sites=("Umicore",)),
        *reports("BE", 1, 2, 3, sites=("Umicore",), activity="recycling"),
        *reports("DE", 1, 2, 3, sites=("Umicore",)),
    ]

    cells = published(aggregate(facts))

    assert {key: cell.locations for key, cell in cells.items()} == {
        ("mining", "country", "BE"): 1,
        ("mining", "country", "DE"): 1,
        ("recycling", "country", "BE"): 1,
    }


def test_unknown_countries_are_refused():
    with pytest.raises(ValueError, match="unknown country codes: XK, nl"):
        aggregate([*reports("XK", 1), *reports("nl", 2), *reports("NL", 3)])


# --- Cells and roll-up ------------------------------------------------------------------


def test_a_country_cell_needs_k_companies():
    release = aggregate(reports("NL", 1, 2, 3))

    assert list(published(release)) == [("mining", "country", "NL")]
    assert release.held_back == ()


def test_a_lone_held_back_country_is_never_published_as_a_remainder():
    release = aggregate(reports("NL", 1, 2))

    assert release.cells == ()
    assert {key: (c.companies, c.published_in) for key, c in held(release).items()} == {
        ("mining", "country", "NL"): ({1, 2}, None),
        ("mining", "subregion", "155"): ({1, 2}, None),
        ("mining", "region", "150"): ({1, 2}, None),
        ("mining", "world", "001"): ({1, 2}, None),
    }


@pytest.mark.parametrize(
    ("held_back", "expected"),
    [
        # Two countries of one sub-region make its remainder.
        ({"NL": (1, 2), "BE": (3, 4)}, ("subregion", "155")),
        # Two sub-regions of one region make its remainder.
        ({"NL": (1, 2), "PL": (3, 4)}, ("region", "150")),
        # Two regions make the world's remainder.
        ({"NL": (1, 2), "CD": (3, 4)}, ("world", "001")),
        # Antarctica rolls straight into the world.
        ({"AQ": (1, 2), "CL": (3, 4)}, ("world", "001")),
        # Three countries, one company each.
        ({"CD": (1,), "ZM": (2,), "RW": (3,)}, ("region", "002")),
    ],
)
def test_held_back_countries_roll_up_until_k_companies(held_back, expected):
    facts = [
        fact
        for country, companies in held_back.items()
        for fact in reports(country, *companies)
    ]
    release = aggregate(facts)

    (cell,) = release.cells
    assert (cell.area_level, cell.area_code) == expected
    assert cell.companies == {c for companies in held_back.values() for c in companies}
    assert dict(cell.sources) == {
        country: frozenset(companies) for country, companies in held_back.items()
    }
    for country in held_back:
        assert held(release)[("mining", "country", country)].published_in == expected


def test_the_same_companies_in_two_countries_do_not_make_k():
    release = aggregate([*reports("NL", 1, 2), *reports("BE", 1, 2)])

    assert release.cells == ()
    assert held(release)[("mining", "subregion", "155")].companies == {1, 2}


def test_a_published_country_is_never_part_of_a_remainder():
    facts = [*reports("DE", 1, 2, 3), *reports("NL", 4, 5), *reports("BE", 6)]
    release = aggregate(facts)

    assert list(published(release)) == [
        ("mining", "country", "DE"),
        ("mining", "subregion", "155"),
    ]
    remainder = published(release)[("mining", "subregion", "155")]
    assert remainder.companies == {4, 5, 6}
    assert [country for country, _ in remainder.sources] == ["BE", "NL"]


def test_activities_never_add_up():
    facts = [*reports("NL", 1, 2), *reports("NL", 3, 4, activity="smelting_refining")]

    assert aggregate(facts).cells == ()


def test_a_remainder_below_k_moves_on_even_above_a_published_cell():
    # Western Europe's remainder (NL) stays below k and moves to Europe, where Poland's
    # leftover joins it; Germany and the Czech Republic are published on their own.
    facts = [
        *reports("DE", 1, 2, 3),
        *reports("NL", 4),
        *reports("CZ", 5, 6, 7),
        *reports("PL", 8, 9),
    ]
    release = aggregate(facts)

    assert {key: cell.companies for key, cell in published(release).items()} == {
        ("mining", "country", "CZ"): {5, 6, 7},
        ("mining", "country", "DE"): {1, 2, 3},
        ("mining", "region", "150"): {4, 8, 9},
    }
    assert held(release)[("mining", "subregion", "155")].published_in == (
        "region",
        "150",
    )
    assert held(release)[("mining", "subregion", "151")].published_in == (
        "region",
        "150",
    )


def test_k_other_than_three():
    facts = [*reports("NL", 1, 2, 3, 4), *reports("BE", 5, 6, 7, 8, 9)]

    release = aggregate(facts, rules=Rules(k=5))

    assert {key: c.companies_band for key, c in published(release).items()} == {
        ("mining", "country", "BE"): "5-9",
    }
    assert held(release)[("mining", "country", "NL")].published_in is None
    assert release.k == 5


def test_the_output_does_not_depend_on_the_order_of_the_input():
    facts = [
        *reports("NL", 1, 2, 3, sites=("Umicore", "Nyrstar Budel B.V.")),
        *reports("BE", 4, 5, sites=("Umicore",)),
        *reports("FR", 6, 1, sites=("Eramet",)),
        *reports("CD", 7, 8, 9, sites=("Tenke",), activity="smelting_refining"),
    ]
    restrictions = [Restriction(3, "region"), Restriction(8, "world")]

    forward = aggregate(facts, restrictions)

    assert aggregate(reversed(facts), reversed(restrictions)) == forward
    order = [
        (c.activity, m49.LEVELS.index(c.area_level), c.area_code) for c in forward.cells
    ]
    assert order == sorted(order)
    assert list(published(forward)) == [
        ("mining", "subregion", "155"),
        ("smelting_refining", "world", "001"),
    ]


# --- Restricted disclosure --------------------------------------------------------------


def test_a_restricted_company_never_counts_in_a_country_cell():
    facts = reports("NL", 1, 2, 3, 4)
    release = aggregate(facts, [Restriction(4, "region")])

    cells = published(release)
    assert cells[("mining", "country", "NL")].companies == {1, 2, 3}
    assert held(release)[("mining", "region", "150")].companies == {4}
    assert held(release)[("mining", "region", "150")].published_in is None
    assert not any(
        4 in cell.companies
        for cell in release.held_back
        if cell.area_level == "country"
    )


def test_a_restricted_company_can_lift_a_remainder_to_k():
    release = aggregate(reports("NL", 1, 2, 3), [Restriction(3, "subregion")])

    (cell,) = release.cells
    assert (cell.area_level, cell.area_code) == ("subregion", "155")
    assert cell.companies == {1, 2, 3}
    assert held(release)[("mining", "country", "NL")].companies == {1, 2}


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("subregion", ("subregion", "017")),
        ("region", ("region", "002")),
        ("world", ("world", "001")),
    ],
)
def test_restricted_companies_enter_at_their_approved_level(level, expected):
    facts = reports("CD", 1, 2, 3, 4, 5, 6)
    restrictions = [Restriction(company, level) for company in (4, 5, 6)]

    cells = published(aggregate(facts, restrictions))

    assert cells[("mining", "country", "CD")].companies == {1, 2, 3}
    assert cells[("mining", *expected)].companies == {4, 5, 6}


def test_of_two_approvals_the_coarser_level_holds():
    facts = reports("CD", 1, 2, 3, 4, 5, 6)
    restrictions = [Restriction(4, "world"), Restriction(4, "subregion")]
    restrictions += [Restriction(c, "world") for c in (5, 6)]

    cells = published(aggregate(facts, restrictions))

    assert cells[("mining", "world", "001")].companies == {4, 5, 6}


def test_a_restricted_location_shared_with_others_counts_in_both_cells():
    facts = [
        *reports("NL", 1, 2, 3, sites=("Nyrstar Budel", "Aldel")),
        *reports("NL", 4, 5, 6, sites=("NYRSTAR BUDEL B.V.", "Damstahl")),
    ]
    restrictions = [Restriction(c, "region") for c in (4, 5, 6)]

    cells = published(aggregate(facts, restrictions))

    assert cells[("mining", "country", "NL")].locations == 2
    assert cells[("mining", "region", "150")].locations == 2


def test_unknown_restriction_levels_are_refused():
    with pytest.raises(ValueError, match="'country'"):
        aggregate(reports("NL", 1, 2, 3), [Restriction(1, "country")])  # type: ignore[arg-type]


# --- Bands ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "bands"),
    [
        (
            3,
            {
                3: "3-4",
                4: "3-4",
                5: "5-9",
                9: "5-9",
                10: "10-24",
                24: "10-24",
                25: "25+",
            },
        ),
        (2, {2: "2-4", 4: "2-4", 5: "5-9"}),
        (4, {4: "4-9", 9: "4-9", 10: "10-24"}),
        (5, {5: "5-9", 9: "5-9", 10: "10-24", 1000: "25+"}),
        (6, {6: "6-9", 10: "10-24"}),
        (9, {9: "9-24", 24: "9-24", 25: "25+"}),
        (10, {10: "10-24", 25: "25+"}),
        (24, {24: "24+", 25: "24+"}),
        (30, {30: "30+", 31: "30+"}),
    ],
)
def test_company_bands_start_at_k_and_are_never_one_value(k, bands):
    rules = Rules(k=k)
    assert {count: company_band(count, rules) for count in bands} == bands
    with pytest.raises(ValueError, match="below the first band"):
        company_band(k - 1, rules)


@pytest.mark.parametrize(
    ("count", "band"),
    [
        (1, "1-9"),
        (9, "1-9"),
        (10, "10-49"),
        (49, "10-49"),
        (50, "50-249"),
        (249, "50-249"),
        (250, "250+"),
        (100_000, "250+"),
    ],
)
def test_location_bands(count, band):
    assert location_band(count) == band


def test_no_location_band_for_nothing():
    with pytest.raises(ValueError, match="below the first band"):
        location_band(0)


@pytest.mark.parametrize(
    "arguments",
    [
        {"k": 1},
        {"dominance_percent": 0},
        {"dominance_percent": 101},
        {"dominant_companies": 0},
        {"company_band_starts": (10, 5)},
        {"location_band_starts": (0, 10)},
        {"location_band_starts": (5, 10)},
        {"location_band_starts": ()},
    ],
)
def test_rules_refuse_nonsense(arguments):
    with pytest.raises(ValueError):  # noqa: PT011 - every argument has its own message
        Rules(**arguments)


def test_rules_round_trip_through_a_dict():
    rules = Rules(k=5, dominance_percent=80, location_band_starts=(1, 5, 20))

    assert Rules.from_dict(rules.as_dict()) == rules
    assert Rules.from_dict({}) == DEFAULT_RULES
    assert rules.company_bands == (5, 10, 25)
    assert rules.location_bands == (1, 5, 20)


def test_a_cell_carries_bands_beside_its_exact_figures():
    companies = range(1, 13)
    facts = [
        LocationFact(company, f"Mine {site}", "PE", "mining")
        for company in companies
        for site in range(company * 5)
    ]

    (cell,) = aggregate(facts).cells

    assert (len(cell.companies), cell.companies_band) == (12, "10-24")
    assert (cell.locations, cell.locations_band) == (60, "50-249")


# --- Dominance --------------------------------------------------------------------------


def sites(count: int, first: int = 0) -> tuple[str, ...]:
    return tuple(f"Site {n}" for n in range(first, first + count))


@pytest.mark.parametrize(
    ("lists", "withheld"),
    [
        # Two companies hold 18 of 20 locations: 90 %.
        ({1: sites(9), 2: sites(9, 9), 3: sites(1, 18), 4: sites(1, 19)}, True),
        # Exactly 85 % is not more than 85 %.
        ({1: sites(9), 2: sites(8, 9), 3: sites(1, 17), 4: sites(2, 18)}, False),
        # One large company and two small ones.
        ({1: sites(40), 2: sites(1, 40), 3: sites(1, 41)}, True),
        # Even shares.
        ({1: sites(5), 2: sites(5, 5), 3: sites(5, 10), 4: sites(5, 15)}, False),
        # Everyone reports the same smelters: each report counts, shares are even.
        ({1: sites(4), 2: sites(4), 3: sites(4), 4: sites(4)}, False),
        # Two companies report the same ten sites, a third one of them: 20 of 21 reports.
        ({1: sites(10), 2: sites(10), 3: sites(1)}, True),
    ],
)
def test_the_locations_figure_of_a_dominated_cell_is_withheld(lists, withheld):
    facts = [
        LocationFact(company, site, "ZM", "mining")
        for company, names in lists.items()
        for site in names
    ]

    (cell,) = aggregate(facts).cells

    assert (cell.locations_band is None) is withheld
    assert cell.companies_band == "3-4"
    assert cell.locations == len({site for names in lists.values() for site in names})


def test_the_dominance_threshold_is_a_rule():
    lists = {1: sites(9), 2: sites(8, 9), 3: sites(1, 17), 4: sites(2, 18)}  # 85 %
    facts = [
        LocationFact(c, s, "ZM", "mining") for c, names in lists.items() for s in names
    ]

    (cell,) = aggregate(facts, rules=Rules(dominance_percent=80)).cells
    assert cell.locations_band is None
    (cell,) = aggregate(facts, rules=Rules(dominant_companies=1)).cells
    assert cell.locations_band == "10-49"


# --- Public rows ------------------------------------------------------------------------


@pytest.fixture
def release() -> Release:
    facts = [
        *reports("NL", 1, 2, 3, sites=sites(12)),
        *reports("BE", 4, 5),
        *reports("FR", 6),
        *[LocationFact(7, site, "ZA", "smelting_refining") for site in sites(30)],
        *reports("ZA", 8, 9, activity="smelting_refining"),
    ]
    return aggregate(facts)


def test_public_rows_show_bands_names_and_dashes(release):
    rows = public_rows(release, 2026)

    assert [
        tuple(getattr(row, column) for column in PUBLIC_COLUMNS) for row in rows
    ] == [
        (2026, "country", "NL", "Netherlands", "mining", "3-4", "10-49"),
        (2026, "subregion", "155", "Western Europe (other)", "mining", "3-4", "1-9"),
        (2026, "country", "ZA", "South Africa", "smelting_refining", "3-4", WITHHELD),
    ]


def test_public_rows_in_dutch(release):
    rows = public_rows(release, 2026, language="nl")

    assert [row.area_name for row in rows] == [
        "Nederland",
        "West-Europa (overig)",
        "Zuid-Afrika",
    ]


def test_public_rows_take_country_names_from_the_caller(release):
    by_mapping = public_rows(
        release, 2026, country_names={"NL": "Holland", "ZA": "RSA"}
    )
    by_function = public_rows(release, 2026, country_names=str.lower)

    assert [row.area_name for row in by_mapping] == [
        "Holland",
        "Western Europe (other)",
        "RSA",
    ]
    assert [row.area_name for row in by_function][::2] == ["nl", "za"]


def test_public_rows_carry_no_exact_figures(release):
    assert [field.name for field in fields(PublicRow)] == list(PUBLIC_COLUMNS)
    for row in public_rows(release, 2026):
        assert row.companies in {"3-4", "5-9", "10-24", "25+"}
        assert row.locations in {"1-9", "10-49", "50-249", "250+", WITHHELD}


def test_public_rows_refuse_an_unknown_language(release):
    with pytest.raises(ValueError, match="'de'"):
        public_rows(release, 2026, language="de")  # type: ignore[arg-type]
