"""The governance overview: one page that leads each person to the parts of the
agreement's governance they may see, so the main menu keeps a single entry."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from convenant.access import PermissionRequiredMixin

from .. import permissions


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    description: str


def _sections(user) -> list[tuple[str, list[Link]]]:
    organisation = user.organisation
    kerngroep = []
    if permissions.can_view_seats(user):
        kerngroep.append(
            Link(
                _("Seats and chair"),
                reverse("governance:seat_list"),
                _("Who holds the four seats and who chairs (art. 46-51)."),
            )
        )
    if permissions.can_view_meetings(user):
        kerngroep.append(
            Link(
                _("Meetings"),
                reverse("governance:meeting_list"),
                _("Agendas and minutes; parties see them in outline (art. 48)."),
            )
        )
    if permissions.can_see_decision_outcomes(user) or permissions.can_follow_decisions(
        user
    ):
        kerngroep.append(
            Link(
                _("Decisions"),
                reverse("governance:decision_list"),
                _("Kerngroep decisions and the assembly's votes (art. 49)."),
            )
        )
    membership = []
    if permissions.can_view_accessions(user):
        membership.append(
            Link(
                _("Accession applications"),
                reverse("governance:accession_list"),
                _("Organisations that apply to join (art. 69-72)."),
            )
        )
    if permissions.can_sign_supporter_texts(user):
        membership.append(
            Link(
                _("Supporter declaration and confidentiality protocol"),
                reverse("governance:supporter_texts"),
                _("Read and sign the texts for your organisation."),
            )
        )
    if permissions.can_view_signatures(user):
        membership.append(
            Link(
                _("Supporters' signatures"),
                reverse("governance:signature_list"),
                _("Which text versions each supporter signed, by whom and when."),
            )
        )
    if organisation is not None and permissions.can_give_notice(user, organisation):
        membership.append(
            Link(
                _("Withdrawal"),
                reverse("governance:withdrawal_create", args=[organisation.pk]),
                _("Give notice of withdrawal from the agreement (art. 73-75)."),
            )
        )
    if permissions.can_see_withdrawals(user):
        membership.append(
            Link(
                _("Withdrawals"),
                reverse("governance:withdrawal_list"),
                _("Notices given and when they take effect."),
            )
        )
        membership.append(
            Link(
                _("Removals"),
                reverse("governance:removal_list"),
                _("Reminders, Kerngroep decisions and public notices (art. 76-77)."),
            )
        )
    confidentiality = []
    if permissions.can_manage_confidentiality(user):
        confidentiality.append(
            Link(
                _("Confidentiality agreements"),
                reverse("governance:confidentiality_list"),
                _("Every agreement with its state; record and revoke."),
            )
        )
    elif permissions.can_see_own_confidentiality(user):
        confidentiality.append(
            Link(
                _("Our confidentiality agreements"),
                reverse("governance:confidentiality_own"),
                _("What your organisation signed, and signing the current NDA."),
            )
        )
    if permissions.can_see_modules(user):
        confidentiality.append(
            Link(
                _("Modules"),
                reverse("governance:module_list"),
                _("Sector, knowledge, practice and risk modules (art. 29-30)."),
            )
        )
    if permissions.can_see_yearly_documents(user):
        confidentiality.append(
            Link(
                _("Yearly documents"),
                reverse("governance:yearly_document_index"),
                _("Progress report, information for the government, year plan."),
            )
        )
    conduct = []
    if permissions.can_see_news(user):
        conduct.append(
            Link(
                _("News"),
                reverse("governance:news_list"),
                _("Announcements to the parties, including removals."),
            )
        )
    if permissions.can_see_complaints(user):
        conduct.append(
            Link(
                _("Complaints"),
                reverse("governance:complaint_list"),
                _("Complaints about a company's lack of progress (art. 83-84)."),
            )
        )
    sections = [
        (_("Kerngroep"), kerngroep),
        (_("Membership"), membership),
        (_("Confidentiality, modules and yearly documents"), confidentiality),
        (_("News and complaints"), conduct),
    ]
    return [(title, links) for title, links in sections if links]


class GovernanceOverviewView(PermissionRequiredMixin, View):
    """Every signed-in person; each sees only the links to pages they may open."""

    def get(self, request):
        return render(
            request,
            "governance/overview.html",
            {"sections": _sections(request.user)},
        )
