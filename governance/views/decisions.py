"""Kerngroep decisions (art. 49-51) and the Sector Module Assembly's online vote.

The secretariat opens a decision, records the votes cast in a meeting and closes the
vote; Kerngroep members may cast their seat's vote online between meetings; a tie goes
to the assembly, where each party organisation's admin votes once before the deadline.
The Kerngroep, its chair and the secretariat follow the whole history; every other
party, supporter and the government see decided outcomes, and of an assembly vote only
the counts, never which organisation voted what.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors

from .. import permissions
from ..forms.decisions import CloseForm, DecisionForm, VoteForm, VotesForm
from ..models import AssemblyVoteStatus, DecisionStatus
from ..selectors import decisions as selectors
from ..services import decisions as services


class OutcomesMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_see_decision_outcomes(self.request.user)


class RecordMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_record_decisions(self.request.user)


def _service_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class DecisionListView(OutcomesMixin, View):
    def get(self, request):
        user = request.user
        return render(
            request,
            "governance/decisions/list.html",
            {
                "decisions": selectors.decision_list(user=user),
                "full": permissions.can_follow_decisions(user),
                "can_record": permissions.can_record_decisions(user),
                "can_vote": permissions.can_vote_in_kerngroep(user),
                "assembly_votes": selectors.open_assembly_votes(user=user),
                "can_cast": permissions.can_cast_assembly_ballot(user),
            },
        )


class DecisionDetailView(OutcomesMixin, View):
    def get(self, request, pk: int):
        user = request.user
        decision = selectors.decision_get(user=user, pk=pk)
        full = permissions.can_follow_decisions(user)
        assembly = getattr(decision, "assembly_vote", None)
        context = {
            "decision": decision,
            "full": full,
            "assembly": assembly,
            "tally": selectors.assembly_tally(assembly) if assembly else None,
            "can_see_assembly": permissions.can_see_assembly_votes(user),
        }
        if full:
            records = selectors.seat_records(decision)
            context |= {
                "seats": records,
                "outcome_so_far": selectors.outcome_so_far(records)
                if decision.status == DecisionStatus.OPEN
                else "",
                "can_record": permissions.can_record_decisions(user)
                and decision.status == DecisionStatus.OPEN,
                "can_vote": permissions.can_vote_in_kerngroep(user)
                and decision.status == DecisionStatus.OPEN,
                "can_close_assembly": permissions.can_record_decisions(user)
                and assembly is not None
                and assembly.status == AssemblyVoteStatus.OPEN,
            }
        return render(request, "governance/decisions/detail.html", context)


class DecisionCreateView(RecordMixin, View):
    template_name = "governance/decisions/form.html"

    def get(self, request):
        initial = {}
        item = request.GET.get("item", "")
        if item.isdecimal():
            initial["agenda_item"] = int(item)
        return render(
            request, self.template_name, {"form": DecisionForm(initial=initial)}
        )

    def post(self, request):
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decision = services.decision_open(
                    title=form.cleaned_data["title"],
                    proposal=form.cleaned_data["proposal"],
                    agenda_item=form.cleaned_data["agenda_item"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The decision was put to the Kerngroep."))
                return redirect("governance:decision_detail", pk=decision.pk)
        return render(request, self.template_name, {"form": form}, status=422)


class DecisionVotesView(RecordMixin, View):
    """The secretariat records the votes as cast in the meeting."""

    template_name = "governance/decisions/votes.html"

    def _render(self, request, decision, form, status=200):
        return render(
            request,
            self.template_name,
            {"decision": decision, "form": form},
            status=status,
        )

    def _form(self, decision, data=None):
        return VotesForm(
            data,
            seats=selectors.seat_people(decision),
            recorded=decision.votes.all(),
        )

    def get(self, request, pk: int):
        decision = selectors.decision_get(user=request.user, pk=pk)
        if decision.status != DecisionStatus.OPEN:
            messages.info(
                request, _("The Kerngroep's vote on this decision is closed.")
            )
            return redirect("governance:decision_detail", pk=decision.pk)
        return self._render(request, decision, self._form(decision))

    def post(self, request, pk: int):
        decision = selectors.decision_get(user=request.user, pk=pk)
        form = self._form(decision, request.POST)
        if form.is_valid():
            try:
                services.decision_record_votes(
                    decision=decision,
                    votes=form.votes(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The votes were recorded. Close the vote when they are complete."
                    ),
                )
                return redirect("governance:decision_close", pk=decision.pk)
        return self._render(request, decision, form, status=422)


class DecisionCloseView(RecordMixin, View):
    template_name = "governance/decisions/close.html"

    def _render(self, request, decision, form, status=200):
        records = selectors.seat_records(decision)
        return render(
            request,
            self.template_name,
            {
                "decision": decision,
                "form": form,
                "seats": records,
                "outcome_so_far": selectors.outcome_so_far(records),
            },
            status=status,
        )

    def get(self, request, pk: int):
        decision = selectors.decision_get(user=request.user, pk=pk)
        if decision.status != DecisionStatus.OPEN:
            messages.info(
                request, _("The Kerngroep's vote on this decision is closed.")
            )
            return redirect("governance:decision_detail", pk=decision.pk)
        form = CloseForm(initial={"explanation": decision.explanation})
        return self._render(request, decision, form)

    def post(self, request, pk: int):
        decision = selectors.decision_get(user=request.user, pk=pk)
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                decision = services.decision_close(
                    decision=decision,
                    closes_at=form.closes_at(),
                    explanation=form.cleaned_data["explanation"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if decision.status == DecisionStatus.ESCALATED:
                    messages.success(
                        request,
                        _(
                            "The Kerngroep is tied: the Sector Module Assembly votes "
                            "now. The parties' administrators are told by mail."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("The decision was taken: %(outcome)s.")
                        % {"outcome": decision.get_outcome_display()},
                    )
                return redirect("governance:decision_detail", pk=decision.pk)
        decision.refresh_from_db()
        return self._render(request, decision, form, status=422)


class DecisionVoteView(PermissionRequiredMixin, View):
    """A Kerngroep member casts their seat's vote online."""

    template_name = "governance/decisions/vote.html"

    def has_permission(self) -> bool:
        return permissions.can_vote_in_kerngroep(self.request.user)

    def _context(self, request, decision, form):
        seat = selectors.own_seat(request.user, decision)
        if seat is None:
            raise PermissionDenied
        people, as_deputy = seat
        current = next(
            (
                vote
                for vote in decision.votes.all()
                if vote.constituency == people.constituency
                and vote.as_deputy == as_deputy
            ),
            None,
        )
        return {
            "decision": decision,
            "form": form,
            "seat": people,
            "as_deputy": as_deputy,
            "current": current,
        }

    def get(self, request, pk: int):
        decision = selectors.decision_get(user=request.user, pk=pk)
        context = self._context(request, decision, None)
        if decision.status != DecisionStatus.OPEN:
            messages.info(
                request, _("The Kerngroep's vote on this decision is closed.")
            )
            return redirect("governance:decision_detail", pk=decision.pk)
        current = context["current"]
        context["form"] = VoteForm(initial={"vote": current.vote} if current else None)
        return render(request, self.template_name, context)

    def post(self, request, pk: int):
        decision = selectors.decision_get(user=request.user, pk=pk)
        context = self._context(request, decision, VoteForm(request.POST))
        form = context["form"]
        if form.is_valid():
            try:
                services.decision_vote_cast(
                    decision=decision,
                    vote=form.cleaned_data["vote"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your seat's vote was recorded."))
                return redirect("governance:decision_detail", pk=decision.pk)
        return render(request, self.template_name, context, status=422)


class AssemblyVoteView(PermissionRequiredMixin, View):
    """The proposal, the deadline, the organisation's ballot and, once closed, the
    result: for the parties in the assembly and the Kerngroep's circle."""

    template_name = "governance/decisions/assembly_vote.html"

    def has_permission(self) -> bool:
        return permissions.can_see_assembly_votes(self.request.user)

    def _render(self, request, assembly, form, status=200):
        user = request.user
        ballot = selectors.own_ballot(assembly, user)
        can_cast = (
            permissions.can_cast_assembly_ballot(user)
            and ballot is None
            and assembly.is_open
        )
        return render(
            request,
            self.template_name,
            {
                "assembly": assembly,
                "decision": assembly.decision,
                "ballot": ballot,
                "can_cast": can_cast,
                "in_assembly": permissions.is_assembly_member(user),
                "form": form if can_cast else None,
                "tally": selectors.assembly_tally(assembly),
                "show_tally": assembly.status == AssemblyVoteStatus.CLOSED
                or permissions.can_follow_decisions(user),
                "deadline_passed": timezone.now() >= assembly.closes_at,
                "can_close": permissions.can_record_decisions(user)
                and assembly.status == AssemblyVoteStatus.OPEN,
            },
            status=status,
        )

    def get(self, request, pk: int):
        assembly = selectors.assembly_vote_get(user=request.user, decision_pk=pk)
        return self._render(request, assembly, VoteForm())

    def post(self, request, pk: int):
        user = request.user
        assembly = selectors.assembly_vote_get(user=user, decision_pk=pk)
        if not permissions.can_cast_assembly_ballot(user):
            raise PermissionDenied
        form = VoteForm(request.POST)
        if form.is_valid():
            try:
                services.assembly_ballot_cast(
                    assembly_vote=assembly,
                    organisation=user.organisation,
                    vote=form.cleaned_data["vote"],
                    actor=user,
                    request=request,
                )
            except ValidationError as error:
                _service_messages(request, error)
                return redirect("governance:assembly_vote", pk=pk)
            messages.success(
                request,
                _("%(organisation)s's vote was recorded.")
                % {"organisation": user.organisation},
            )
            return redirect("governance:assembly_vote", pk=pk)
        return self._render(request, assembly, form, status=422)


class AssemblyVoteCloseView(RecordMixin, View):
    def post(self, request, pk: int):
        assembly = selectors.assembly_vote_get(user=request.user, decision_pk=pk)
        try:
            decision = services.assembly_vote_close(
                assembly_vote=assembly, actor=request.user, request=request
            )
        except ValidationError as error:
            _service_messages(request, error)
            return redirect("governance:assembly_vote", pk=pk)
        messages.success(
            request,
            _("The assembly's vote was closed: %(outcome)s.")
            % {"outcome": decision.get_outcome_display()},
        )
        return redirect("governance:decision_detail", pk=pk)
