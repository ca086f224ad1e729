"""Kerngroep meetings (art. 48): the list per agreement year, a meeting with its agenda,
documents, guests and minutes, and the secretariat's and chair's actions on them.

The secretariat, the Kerngroep and the chair see a meeting in full; every other party,
supporter and the government see its outline, rendered from `meeting_outline` by a
template of its own so that nothing of the full meeting reaches them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors
from convenant.selectors import agreement_current, agreement_year_on
from convenant.uploads import attachment_response

from .. import permissions
from ..forms.meetings import (
    AgendaDocumentForm,
    AgendaItemForm,
    GuestForm,
    MeetingForm,
    MinutesForm,
)
from ..selectors import meetings as selectors
from ..selectors.decisions import decisions_for_items
from ..services import meetings as services


def _agreement():
    agreement = agreement_current()
    if agreement is None:
        raise Http404
    return agreement


def _to_meeting(pk: int):
    return redirect("governance:meeting_detail", pk=pk)


def _report(request, error: ValidationError | PermissionDenied) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


class MeetingsReadMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_view_meetings(self.request.user)


class MeetingsFullMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_view_meetings_full(self.request.user)


class MeetingsManageMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_manage_meetings(self.request.user)


# --- The list and one meeting -----------------------------------------------------------


class MeetingListView(MeetingsReadMixin, View):
    def get(self, request):
        agreement = _agreement()
        years = list(selectors.meeting_years(agreement=agreement))
        if not years:
            raise Http404
        current = agreement_year_on(agreement=agreement)
        try:
            number = int(request.GET.get("year") or 0)
        except ValueError:
            number = 0
        year = next(
            (y for y in years if y.number == number),
            current or years[0],
        )
        return render(
            request,
            "governance/meetings/meeting_list.html",
            {
                "years": years,
                "year": year,
                "overview": selectors.meeting_year(
                    user=request.user, agreement_year=year
                ),
                "full": permissions.can_view_meetings_full(request.user),
                "can_manage": permissions.can_manage_meetings(request.user),
            },
        )


class MeetingDetailView(MeetingsReadMixin, View):
    def get(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        user = request.user
        if not permissions.can_view_meetings_full(user):
            return render(
                request,
                "governance/meetings/meeting_outline.html",
                {"outline": selectors.meeting_outline(meeting)},
            )
        to_approve = selectors.minutes_to_approve(meeting)
        full = selectors.meeting_full(meeting)
        decisions = decisions_for_items(full.items, user=user)
        return render(
            request,
            "governance/meetings/meeting_full.html",
            {
                "full": full,
                "agenda": [(item, decisions[item.pk]) for item in full.items],
                "to_approve": to_approve,
                "can_manage": permissions.can_manage_meetings(user),
                "can_propose_guest": permissions.can_propose_guest(user),
                "can_admit_guest": permissions.can_admit_guest(user),
            },
        )


class MeetingCreateView(MeetingsManageMixin, View):
    template_name = "governance/meetings/meeting_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": MeetingForm()})

    def post(self, request):
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_plan(
                    starts_at=form.starts_at(),
                    location=form.cleaned_data["location"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                _date_errors(form, error)
            else:
                messages.success(
                    request, _("The %(meeting)s is planned.") % {"meeting": meeting}
                )
                return _to_meeting(meeting.pk)
        return render(request, self.template_name, {"form": form}, status=422)


def _date_errors(form, error: ValidationError) -> None:
    # The service speaks of `starts_at`; the form asks for a date and a time.
    if hasattr(error, "error_dict") and "starts_at" in error.error_dict:
        error = ValidationError(
            {
                ("date" if field == "starts_at" else field): messages_
                for field, messages_ in error.error_dict.items()
            }
        )
    add_service_errors(form, error)


class MeetingUpdateView(MeetingsManageMixin, View):
    template_name = "governance/meetings/meeting_form.html"

    def get(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        form = MeetingForm(initial=MeetingForm.initial_for(meeting))
        return render(request, self.template_name, {"form": form, "meeting": meeting})

    def post(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_update(
                    meeting=meeting,
                    starts_at=form.starts_at(),
                    location=form.cleaned_data["location"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                _date_errors(form, error)
            else:
                messages.success(request, _("The meeting was changed."))
                return _to_meeting(meeting.pk)
        return render(
            request,
            self.template_name,
            {"form": form, "meeting": meeting},
            status=422,
        )


class _MeetingActionView(MeetingsManageMixin, View):
    """A button on the meeting page: do it, say what happened, back to the meeting."""

    success_message = ""

    def act(self, meeting) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        try:
            self.act(meeting)
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(request, self.success_message)
        return _to_meeting(meeting.pk)


class MeetingCancelView(_MeetingActionView):
    success_message = _("The meeting was cancelled.")

    def act(self, meeting) -> None:
        services.meeting_cancel(
            meeting=meeting, actor=self.request.user, request=self.request
        )


class MeetingHeldView(_MeetingActionView):
    success_message = _("The meeting is marked as held; its minutes can be written.")

    def act(self, meeting) -> None:
        services.meeting_mark_held(
            meeting=meeting, actor=self.request.user, request=self.request
        )


class MinutesApproveView(_MeetingActionView):
    """Record that this meeting approved the minutes of the meeting before it."""

    success_message = _("The minutes were approved and are now locked.")

    def act(self, meeting) -> None:
        earlier = selectors.minutes_to_approve(meeting)
        if earlier is None:
            raise ValidationError(
                _("There are no minutes for this meeting to approve.")
            )
        services.minutes_approve(
            meeting=earlier,
            approved_in=meeting,
            actor=self.request.user,
            request=self.request,
        )


class MinutesEditView(MeetingsManageMixin, View):
    template_name = "governance/meetings/minutes_form.html"

    def get(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        form = MinutesForm(
            initial={
                "minutes_full": meeting.minutes_full,
                "minutes_outline": meeting.minutes_outline,
            }
        )
        return render(request, self.template_name, {"form": form, "meeting": meeting})

    def post(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.minutes_write(
                    meeting=meeting,
                    full=form.cleaned_data["minutes_full"],
                    outline=form.cleaned_data["minutes_outline"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The minutes were saved."))
                return _to_meeting(meeting.pk)
        return render(
            request,
            self.template_name,
            {"form": form, "meeting": meeting},
            status=422,
        )


# --- Agenda items and documents ---------------------------------------------------------


class AgendaItemCreateView(MeetingsManageMixin, View):
    template_name = "governance/meetings/item_form.html"

    def get(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        return render(
            request, self.template_name, {"form": AgendaItemForm(), "meeting": meeting}
        )

    def post(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        form = AgendaItemForm(request.POST)
        if form.is_valid():
            try:
                services.agenda_item_create(
                    meeting=meeting,
                    **form.cleaned_data,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The item was added to the agenda."))
                return _to_meeting(meeting.pk)
        return render(
            request,
            self.template_name,
            {"form": form, "meeting": meeting},
            status=422,
        )


class AgendaItemUpdateView(MeetingsManageMixin, View):
    template_name = "governance/meetings/item_form.html"

    def _context(self, item, form):
        return {
            "form": form,
            "item": item,
            "meeting": item.meeting,
            "document_form": AgendaDocumentForm(),
        }

    def get(self, request, pk: int):
        item = selectors.agenda_item_get(user=request.user, pk=pk)
        form = AgendaItemForm(initial=AgendaItemForm.initial_for(item))
        return render(request, self.template_name, self._context(item, form))

    def post(self, request, pk: int):
        item = selectors.agenda_item_get(user=request.user, pk=pk)
        form = AgendaItemForm(request.POST)
        if form.is_valid():
            try:
                services.agenda_item_update(
                    item=item, **form.cleaned_data, actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The item was saved."))
                return _to_meeting(item.meeting_id)
        return render(
            request, self.template_name, self._context(item, form), status=422
        )


class AgendaItemDeleteView(MeetingsManageMixin, View):
    def post(self, request, pk: int):
        item = selectors.agenda_item_get(user=request.user, pk=pk)
        try:
            services.agenda_item_delete(item=item, actor=request.user, request=request)
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(
                request,
                _("“%(title)s” was taken off the agenda.") % {"title": item.title},
            )
        return _to_meeting(item.meeting_id)


class AgendaItemMoveView(MeetingsManageMixin, View):
    def post(self, request, pk: int):
        item = selectors.agenda_item_get(user=request.user, pk=pk)
        try:
            services.agenda_item_move(
                item=item,
                direction=request.POST.get("direction", ""),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            _report(request, error)
        page = reverse("governance:meeting_detail", kwargs={"pk": item.meeting_id})
        return redirect(f"{page}#item-{item.pk}")


class AgendaDocumentUploadView(MeetingsManageMixin, View):
    template_name = "governance/meetings/document_form.html"

    def get(self, request, pk: int):
        item = selectors.agenda_item_get(user=request.user, pk=pk)
        return render(
            request, self.template_name, {"item": item, "form": AgendaDocumentForm()}
        )

    def post(self, request, pk: int):
        item = selectors.agenda_item_get(user=request.user, pk=pk)
        form = AgendaDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.agenda_document_add(
                    item=item,
                    file=form.cleaned_data["file"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(name)s” was added to “%(title)s”.")
                    % {"name": document.original_name, "title": item.title},
                )
                return _to_meeting(item.meeting_id)
        return render(
            request, self.template_name, {"item": item, "form": form}, status=422
        )


class AgendaDocumentDownloadView(MeetingsFullMixin, View):
    """The document as an attachment, never shown inline; every download is audited."""

    def get(self, request, pk: int):
        document = selectors.agenda_document_get(user=request.user, pk=pk)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        services.agenda_document_downloaded(
            document=document, actor=request.user, request=request
        )
        return attachment_response(
            handle,
            name=document.original_name,
            content_type=document.content_type or "application/octet-stream",
        )


class AgendaDocumentDeleteView(MeetingsManageMixin, View):
    def post(self, request, pk: int):
        document = selectors.agenda_document_get(user=request.user, pk=pk)
        meeting_id = document.item.meeting_id
        try:
            services.agenda_document_delete(
                document=document, actor=request.user, request=request
            )
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(
                request,
                _("“%(name)s” was removed.") % {"name": document.original_name},
            )
        return _to_meeting(meeting_id)


# --- Guests ----------------------------------------------------------------------------


class GuestProposeView(PermissionRequiredMixin, View):
    template_name = "governance/meetings/guest_form.html"

    def has_permission(self) -> bool:
        return permissions.can_propose_guest(self.request.user)

    def get(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        return render(
            request, self.template_name, {"meeting": meeting, "form": GuestForm()}
        )

    def post(self, request, pk: int):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        form = GuestForm(request.POST)
        if form.is_valid():
            try:
                guest = services.guest_propose(
                    meeting=meeting,
                    **form.cleaned_data,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s was proposed as a guest; the chair decides.")
                    % {"name": guest.name},
                )
                return _to_meeting(meeting.pk)
        return render(
            request,
            self.template_name,
            {"meeting": meeting, "form": form},
            status=422,
        )


class GuestDecideView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_admit_guest(self.request.user)

    def post(self, request, pk: int):
        guest = selectors.guest_get(user=request.user, pk=pk)
        decision = request.POST.get("decision")
        try:
            if decision not in {"admit", "refuse"}:
                raise ValidationError(_("Choose to admit or to refuse the guest."))
            services.guest_decide(
                guest=guest,
                admit=decision == "admit",
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(
                request,
                (
                    _("%(name)s is admitted to the meeting.")
                    if decision == "admit"
                    else _("%(name)s is not admitted to the meeting.")
                )
                % {"name": guest.name},
            )
        return _to_meeting(guest.meeting_id)
