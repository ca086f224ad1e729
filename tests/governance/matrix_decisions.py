"""Permission-matrix rows of the decisions pages (see tests/matrix.py).

The world holds three decisions: one open (the Kerngroep still votes), one decided, and
one the Kerngroep tied on, whose assembly vote is open. The Kerngroep, its chair and the
secretariat follow every decision; everybody else in the agreement sees decided ones
only (404 for the others); the assembly's vote is for the parties' people and the
Kerngroep's circle, and each party's admin casts its ballot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from governance.models import (
    AssemblyBallot,
    AssemblyVote,
    Decision,
    DecisionStatus,
    DecisionVote,
)
from tests.governance.factories import DecisionFactory
from tests.matrix import Redirect, Row, World, only, secretariat_only, signed_in

FOLLOW = frozenset({"secretariat", "kerngroep", "chair"})
# People of an active party organisation in make_person: the assembly.
ASSEMBLY = frozenset(
    {"company_admin", "company_member", "ngo", "union", "branch", "kerngroep"}
)
# Their organisation's admins, who cast its ballot.
BALLOT = frozenset({"company_admin", "ngo", "union", "branch"})

TO_OPEN_DETAIL = Redirect("governance:decision_detail", "same")
TO_ASSEMBLY = Redirect("governance:assembly_vote", "same")

ROWS: tuple[Row, ...] = (
    Row("governance:decision_list", "GET", signed_in()),
    Row("governance:decision_detail", "GET", signed_in(), target="decided_decision"),
    Row(
        "governance:decision_detail",
        "GET",
        only(FOLLOW, 200, 404),
        target="open_decision",
    ),
    Row(
        "governance:decision_detail",
        "GET",
        only(FOLLOW, 200, 404),
        target="escalated_decision",
    ),
    Row("governance:decision_create", "GET", secretariat_only()),
    Row(
        "governance:decision_create",
        "POST",
        secretariat_only(Redirect("governance:decision_detail", "created")),
        data="decision_new",
    ),
    Row("governance:decision_votes", "GET", secretariat_only(), target="open_decision"),
    Row(
        "governance:decision_votes",
        "POST",
        secretariat_only(Redirect("governance:decision_close", "same")),
        target="open_decision",
        data="decision_votes",
    ),
    Row("governance:decision_close", "GET", secretariat_only(), target="open_decision"),
    Row(
        "governance:decision_close",
        "POST",
        secretariat_only(TO_OPEN_DETAIL),
        target="open_decision",
        data="decision_close",
    ),
    Row(
        "governance:decision_vote",
        "GET",
        only({"kerngroep"}, 200, 403),
        target="open_decision",
    ),
    Row(
        "governance:decision_vote",
        "POST",
        only({"kerngroep"}, TO_OPEN_DETAIL, 403),
        target="open_decision",
        data="decision_vote",
    ),
    Row(
        "governance:assembly_vote",
        "GET",
        only(FOLLOW | ASSEMBLY, 200, 403),
        target="escalated_decision",
    ),
    Row(
        "governance:assembly_vote",
        "POST",
        only(BALLOT, TO_ASSEMBLY, 403),
        target="escalated_decision",
        data="decision_vote",
    ),
    Row(
        "governance:assembly_vote",
        "GET",
        only(FOLLOW, 404, 403) | dict.fromkeys(ASSEMBLY, 404),
        target="open_decision",
    ),
    Row(
        "governance:assembly_vote_close",
        "GET",
        secretariat_only(405),
        target="escalated_decision",
    ),
    # Before the deadline, with parties still to vote, the close is refused with a
    # message on the vote's page: nothing changes.
    Row(
        "governance:assembly_vote_close",
        "POST",
        secretariat_only(TO_ASSEMBLY),
        target="escalated_decision",
    ),
)
DATA: dict[str, Callable[[World], dict]] = {
    "decision_new": lambda world: {
        "title": "Jaarplan secretariaat 2027",
        "proposal": "De Kerngroep stelt het jaarplan 2027 vast.",
        "agenda_item": "",
    },
    # No seat holders in the world: the secretariat records that nobody voted.
    "decision_votes": lambda world: {},
    "decision_close": lambda world: {
        "closes_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "explanation": "",
    },
    "decision_vote": lambda world: {"vote": "for"},
}
WATCHED: tuple = (Decision, DecisionVote, AssemblyVote, AssemblyBallot)
CREATED: dict = {"governance:decision_detail": Decision}


def build(world: World) -> None:
    """Adds this area's objects to the world and their kwargs to world.targets."""
    secretariat = world.context["secretariat_person"]
    open_decision = DecisionFactory(
        title="Vaststellen drempel k = 3", created_by=secretariat
    )
    decided = DecisionFactory(
        title="Jaarplan secretariaat 2026",
        created_by=secretariat,
        status=DecisionStatus.DECIDED,
        kerngroep_outcome="consensus",
        outcome="adopted",
        decided_on=timezone.localdate(),
        explanation="Vastgesteld bij consensus.",
    )
    escalated = DecisionFactory(
        title="Verplichte kennismodule gender",
        created_by=secretariat,
        status=DecisionStatus.ESCALATED,
        kerngroep_outcome="escalated",
    )
    AssemblyVote.objects.create(
        decision=escalated,
        closes_at=timezone.now() + dt.timedelta(days=7),
        opened_by=secretariat,
    )
    world.targets.update(
        {
            "open_decision": {"pk": open_decision.pk},
            "decided_decision": {"pk": decided.pk},
            "escalated_decision": {"pk": escalated.pk},
        }
    )
