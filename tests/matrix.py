"""The vocabulary of the permission matrix (tests/test_permission_matrix.py): rows,
expected results, the world a case runs in, and the extension modules that add the rows
of one area of the platform.

An extension module (listed in EXTENSIONS) provides:

- ROWS: tuple[Row, ...], the matrix rows of its URLs;
- DATA: dict[str, Callable[[World], dict]], the POST bodies its rows name;
- WATCHED: tuple of models a refused request must leave unchanged;
- CREATED: dict of URL name -> model, for rows that redirect to what they created;
- build(world): adds its objects to the world and its kwargs to world.targets. The
  objects the main world made are in world.context (own_company, other_company, own_ngo,
  other_ngo, secretariat_person, year).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.conftest import ROLES

ANONYMOUS = "anonymous"
SIGNED_IN = tuple(role for role in ROLES if role != ANONYMOUS)
# Roles whose person (in make_person) administers their own organisation and so may
# invite and switch off colleagues there; the others are plain members.
OWN_ORGANISATION_ADMINS = frozenset(
    {"secretariat", "company_admin", "ngo", "union", "branch"}
)


@dataclass(frozen=True)
class Redirect:
    """A 302 to the URL named `to`. `target` names the World kwargs to reverse it with
    ("" for none, "same" for those of the request, "created" for the organisation the
    request made); `with_next` also checks that the ?next= parameter is the requested
    path."""

    to: str
    target: str = ""
    with_next: bool = False


SIGN_IN = Redirect("account_login", with_next=True)
TO_DASHBOARD = Redirect("dashboard")

Expected = int | Redirect


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expect: dict[str, Expected]
    target: str = ""
    data: str = ""

    def __post_init__(self) -> None:
        assert set(self.expect) == set(ROLES), f"{self.name}: every role is decided"


def everyone(result: Expected) -> dict[str, Expected]:
    return dict.fromkeys(ROLES, result)


def signed_in(
    result: Expected = 200, anonymous: Expected = SIGN_IN
) -> dict[str, Expected]:
    return {ANONYMOUS: anonymous, **dict.fromkeys(SIGNED_IN, result)}


def only(
    roles: frozenset[str] | set[str],
    result: Expected,
    otherwise: Expected,
    anonymous: Expected = SIGN_IN,
) -> dict[str, Expected]:
    expect = signed_in(otherwise, anonymous)
    expect.update(dict.fromkeys(roles, result))
    return expect


def secretariat_only(result: Expected = 200) -> dict[str, Expected]:
    return only({"secretariat"}, result, 403)


def own_admins(result: Expected) -> dict[str, Expected]:
    """The organisation's own admins (and the secretariat) may; for anybody else the
    object is not theirs to touch: 404."""
    return only(OWN_ORGANISATION_ADMINS, result, 404)


def secretariat_sees_other(result: Expected) -> dict[str, Expected]:
    """Another company's object: only the secretariat may; the rest get 404."""
    return only({"secretariat"}, result, 404)


COMPANY = frozenset({"company_admin", "company_member"})
NGO_UNION = frozenset({"ngo", "union"})


def company_page(result: Expected, secretariat: Expected) -> dict[str, Expected]:
    """A page of one assessment (views/company.py): the company's people get `result`,
    the secretariat (which reviews every assessment, read-only) `secretariat`, every
    other role 403."""
    expect = only(COMPANY, result, 403)
    expect["secretariat"] = secretariat
    return expect


def own_assessment(
    result: Expected, secretariat: Expected = 403
) -> dict[str, Expected]:
    """The company's own assessment: `result` for its people."""
    return company_page(result, secretariat)


def other_assessment(secretariat: Expected = 403) -> dict[str, Expected]:
    """Another company's assessment: not the company's to see (404)."""
    return company_page(404, secretariat)


TO_OWN_STEP = Redirect("monitoring:assessment_step", "own_step")
TO_OWN_RESULT = Redirect("monitoring:assessment_result", "own_assessment")
# The round's progress page, after each of the secretariat's round actions.
TO_ROUND = Redirect("monitoring:round_detail", "same")


@dataclass
class World:
    person: object | None
    own_org: object
    other_org: object
    targets: dict[str, dict] = field(default_factory=dict)
    context: dict[str, object] = field(default_factory=dict)


# Modules that add the rows of one area; each is described in this module's docstring.
EXTENSIONS: tuple[str, ...] = (
    "tests.governance.matrix_meetings",
    "tests.governance.matrix_decisions",
    "tests.governance.matrix_membership",
    "tests.governance.matrix_confidentiality",
    "tests.governance.matrix_conduct",
    "tests.governance.matrix_packs",
    "tests.monitoring.matrix_insight",
    "tests.convenant.matrix_reports",
    "tests.convenant.matrix_reminders",
    "tests.ketenkaart.matrix_imports",
)
