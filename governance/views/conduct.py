"""Pages for notice of withdrawal (art. 73-75), removal with its public notice
(art. 76-77), complaints (art. 83-86) and the parties' news page. Who sees what is
decided in governance.permissions (area: conduct); the views parse, call a selector or
a service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors

from .. import permissions, rules
from .. import selectors as member_selectors
from ..forms.conduct import (
    AdmissibilityForm,
    ComplaintForm,
    ComplaintScheduleForm,
    NewsItemForm,
    NoticeAgreedForm,
    NoticeTextForm,
    ProposalForm,
    ReminderForm,
    RemovalOpenForm,
    WithdrawalForm,
)
from ..models import ComplaintStatus, RemovalStatus, WithdrawalStatus
from ..selectors import conduct as selectors
from ..services import conduct as services

# --- Withdrawal ---------------------------------------------------------------------------


class WithdrawalListView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_see_withdrawals(self.request.user)

    def get(self, request):
        return render(
            request,
            "governance/conduct/withdrawal_list.html",
            {"notices": selectors.withdrawal_list(user=request.user)},
        )


class WithdrawalCreateView(PermissionRequiredMixin, View):
    """Give notice for an organisation: the form, then the effective date to confirm."""

    template_name = "governance/conduct/withdrawal_form.html"

    def _organisation(self, request, pk):
        organisation = member_selectors.organisation_get(user=request.user, pk=pk)
        if not permissions.can_give_notice(request.user, organisation):
            raise PermissionDenied
        return organisation

    def _context(self, request, organisation, form, effective_on=None) -> dict:
        return {
            "organisation": organisation,
            "form": form,
            "effective_on": effective_on,
            "open_notice": selectors.withdrawal_open_for(organisation=organisation),
            "contribution": selectors.running_contribution(organisation=organisation),
            "is_secretariat": permissions.is_secretariat(request.user),
            "earliest": rules.first_anniversary(organisation.signed_on)
            if organisation.signed_on
            else None,
        }

    def get(self, request, pk: int):
        organisation = self._organisation(request, pk)
        secretariat = permissions.is_secretariat(request.user)
        form = WithdrawalForm(
            secretariat=secretariat, initial={"notice_on": timezone.localdate()}
        )
        return render(
            request, self.template_name, self._context(request, organisation, form)
        )

    def post(self, request, pk: int):
        organisation = self._organisation(request, pk)
        secretariat = permissions.is_secretariat(request.user)
        form = WithdrawalForm(request.POST, secretariat=secretariat)
        if form.is_valid():
            data = form.cleaned_data
            notice_on = data.get("notice_on") or timezone.localdate()
            try:
                if data["confirm"]:
                    notice = services.withdrawal_give(
                        organisation=organisation,
                        notice_on=notice_on,
                        reasons=data["reasons"],
                        actor=request.user,
                        request=request,
                    )
                else:
                    effective_on = services.withdrawal_preview(
                        organisation=organisation,
                        notice_on=notice_on,
                        actor=request.user,
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if data["confirm"]:
                    messages.success(
                        request,
                        _(
                            "The notice was recorded. The secretariat and the "
                            "Kerngroep have been informed."
                        ),
                    )
                    return redirect("governance:withdrawal_detail", pk=notice.pk)
                return render(
                    request,
                    "governance/conduct/withdrawal_confirm.html",
                    {
                        **self._context(request, organisation, form, effective_on),
                        "notice_on": notice_on,
                    },
                )
        return render(
            request,
            self.template_name,
            self._context(request, organisation, form),
            status=422,
        )


class WithdrawalDetailView(PermissionRequiredMixin, View):
    def get(self, request, pk: int):
        notice = selectors.withdrawal_get(user=request.user, pk=pk)
        return render(
            request,
            "governance/conduct/withdrawal_detail.html",
            {
                "notice": notice,
                "contribution": selectors.running_contribution(
                    organisation=notice.organisation
                ),
                "can_take_back": notice.status == WithdrawalStatus.GIVEN
                and timezone.localdate() < notice.effective_on
                and permissions.can_give_notice(request.user, notice.organisation),
            },
        )


class WithdrawalTakeBackView(PermissionRequiredMixin, View):
    def post(self, request, pk: int):
        notice = selectors.withdrawal_get(user=request.user, pk=pk)
        try:
            services.withdrawal_take_back(
                notice=notice, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The notice was taken back; %(name)s remains a party.")
                % {"name": notice.organisation.name},
            )
        return redirect("governance:withdrawal_detail", pk=notice.pk)


# --- Removal ------------------------------------------------------------------------------


class RemovalListView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_see_withdrawals(self.request.user)

    def get(self, request):
        return render(
            request,
            "governance/conduct/removal_list.html",
            {
                "removals": selectors.removal_list(user=request.user),
                "can_manage": permissions.can_manage_removals(request.user),
            },
        )


class RemovalCreateView(PermissionRequiredMixin, View):
    template_name = "governance/conduct/removal_form.html"

    def has_permission(self) -> bool:
        return permissions.can_manage_removals(self.request.user)

    def _form(self, data=None):
        return RemovalOpenForm(data, organisations=selectors.removal_candidates())

    def get(self, request):
        return render(request, self.template_name, {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                removal = services.removal_open(
                    **form.cleaned_data, actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The removal case was opened. Record the reminder you sent."),
                )
                return redirect("governance:removal_detail", pk=removal.pk)
        return render(request, self.template_name, {"form": form}, status=422)


def _removal_page(request, removal, status: int = 200, **forms):
    manage = permissions.can_manage_removals(request.user)
    if manage:
        today = timezone.localdate()
        forms.setdefault("reminder_form", ReminderForm(initial={"sent_on": today}))
        forms.setdefault("proposal_form", ProposalForm())
        forms.setdefault(
            "notice_form", NoticeTextForm(initial={"notice_text": removal.notice_text})
        )
        forms.setdefault("agreed_form", NoticeAgreedForm(initial={"agreed_on": today}))
    return render(
        request,
        "governance/conduct/removal_detail.html",
        {
            "removal": removal,
            "reminders": selectors.removal_reminders(removal=removal),
            "decision": selectors.subject_decision(removal),
            "can_manage": manage,
            "reminding": removal.status == RemovalStatus.REMINDING,
            "decided": removal.status
            in {RemovalStatus.DECIDED, RemovalStatus.EFFECTIVE},
            **forms,
        },
        status=status,
    )


class RemovalDetailView(PermissionRequiredMixin, View):
    def get(self, request, pk: int):
        return _removal_page(request, selectors.removal_get(user=request.user, pk=pk))


class RemovalActionView(PermissionRequiredMixin, View):
    """One of the secretariat's steps in a removal case, posted from its page."""

    form_class: type | None = None
    form_name = ""
    success = ""

    def has_permission(self) -> bool:
        return permissions.can_manage_removals(self.request.user)

    def act(self, removal, data) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        removal = selectors.removal_get(user=request.user, pk=pk)
        form = self.form_class(request.POST) if self.form_class else None
        if form is None or form.is_valid():
            try:
                self.act(removal, form.cleaned_data if form else {})
            except ValidationError as error:
                if form is None:
                    for message in error.messages:
                        messages.error(request, message)
                    return redirect("governance:removal_detail", pk=removal.pk)
                add_service_errors(form, error)
            else:
                messages.success(request, self.success)
                return redirect("governance:removal_detail", pk=removal.pk)
        return _removal_page(request, removal, status=422, **{self.form_name: form})


class RemovalReminderView(RemovalActionView):
    form_class = ReminderForm
    form_name = "reminder_form"

    @property
    def success(self) -> str:
        return _("The reminder was recorded and mailed to the party's administrators.")

    def act(self, removal, data) -> None:
        services.removal_reminder_add(
            removal=removal, **data, actor=self.request.user, request=self.request
        )


class RemovalSubmitView(RemovalActionView):
    form_class = ProposalForm
    form_name = "proposal_form"

    @property
    def success(self) -> str:
        return _("The removal was put to the Kerngroep.")

    def act(self, removal, data) -> None:
        services.removal_submit(
            removal=removal, **data, actor=self.request.user, request=self.request
        )


class RemovalNoticeView(RemovalActionView):
    form_class = NoticeTextForm
    form_name = "notice_form"

    @property
    def success(self) -> str:
        return _("The text of the notice was saved. Ask the party to agree to it.")

    def act(self, removal, data) -> None:
        services.removal_notice_draft(
            removal=removal,
            text=data["notice_text"],
            actor=self.request.user,
            request=self.request,
        )


class RemovalNoticeAgreeView(RemovalActionView):
    form_class = NoticeAgreedForm
    form_name = "agreed_form"

    @property
    def success(self) -> str:
        return _("The party's agreement was recorded; the notice can be published.")

    def act(self, removal, data) -> None:
        services.removal_notice_agree(
            removal=removal, **data, actor=self.request.user, request=self.request
        )


class RemovalPublishView(RemovalActionView):
    @property
    def success(self) -> str:
        return _("The notice was published on the news page.")

    def act(self, removal, data) -> None:
        services.removal_notice_publish(
            removal=removal, actor=self.request.user, request=self.request
        )


# --- Complaints ---------------------------------------------------------------------------


class ComplaintListView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_see_complaints(self.request.user)

    def get(self, request):
        user = request.user
        rows = [
            {
                "complaint": complaint,
                "show_complainant": permissions.complaint_shows_complainant(
                    user, complaint
                ),
            }
            for complaint in selectors.complaint_list(user=user)
        ]
        return render(
            request,
            "governance/conduct/complaint_list.html",
            {"rows": rows, "can_file": permissions.can_file_complaint(user)},
        )


class ComplaintCreateView(PermissionRequiredMixin, View):
    template_name = "governance/conduct/complaint_form.html"

    def has_permission(self) -> bool:
        return permissions.can_file_complaint(self.request.user)

    def _form(self, data=None):
        companies = services.participating_companies().exclude(
            pk=self.request.user.organisation_id
        )
        return ComplaintForm(data, companies=companies)

    def get(self, request):
        return render(request, self.template_name, {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                complaint = services.complaint_file(
                    **form.cleaned_data, actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your complaint was filed. The secretariat first judges "
                        "whether it is admissible."
                    ),
                )
                return redirect("governance:complaint_detail", pk=complaint.pk)
        return render(request, self.template_name, {"form": form}, status=422)


def _complaint_page(request, complaint, status: int = 200, **forms):
    handle = permissions.can_handle_complaints(request.user)
    if handle:
        forms.setdefault("judge_form", AdmissibilityForm())
        forms.setdefault(
            "schedule_form",
            ComplaintScheduleForm(
                initial={
                    "hearing_on": complaint.hearing_on,
                    "decision_on": complaint.decision_on,
                    "follow_up_on": complaint.follow_up_on,
                    "decision_text": complaint.decision_text,
                }
            ),
        )
        forms.setdefault("proposal_form", ProposalForm())
    return render(
        request,
        "governance/conduct/complaint_detail.html",
        {
            "complaint": complaint,
            "show_complainant": permissions.complaint_shows_complainant(
                request.user, complaint
            ),
            "panel": selectors.complaint_panel_seats(complaint=complaint),
            "decision": selectors.subject_decision(complaint),
            "can_handle": handle,
            "filed": complaint.status == ComplaintStatus.FILED,
            "admissible": complaint.status == ComplaintStatus.ADMISSIBLE,
            "scheduling": complaint.status
            in {ComplaintStatus.ADMISSIBLE, ComplaintStatus.DECIDED},
            **forms,
        },
        status=status,
    )


class ComplaintDetailView(PermissionRequiredMixin, View):
    def get(self, request, pk: int):
        return _complaint_page(
            request, selectors.complaint_get(user=request.user, pk=pk)
        )


class ComplaintActionView(PermissionRequiredMixin, View):
    form_class: type
    form_name = ""

    def has_permission(self) -> bool:
        return permissions.can_handle_complaints(self.request.user)

    def act(self, complaint, data) -> str:
        raise NotImplementedError

    def post(self, request, pk: int):
        complaint = selectors.complaint_get(user=request.user, pk=pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                message = self.act(complaint, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect("governance:complaint_detail", pk=complaint.pk)
        return _complaint_page(request, complaint, status=422, **{self.form_name: form})


class ComplaintJudgeView(ComplaintActionView):
    form_class = AdmissibilityForm
    form_name = "judge_form"

    def act(self, complaint, data) -> str:
        complaint = services.complaint_judge(
            complaint=complaint, **data, actor=self.request.user, request=self.request
        )
        if complaint.status == ComplaintStatus.ADMISSIBLE:
            return _("The complaint is admissible; its panel has been formed.")
        return _("The complaint was judged not admissible.")


class ComplaintScheduleView(ComplaintActionView):
    form_class = ComplaintScheduleForm
    form_name = "schedule_form"

    def act(self, complaint, data) -> str:
        services.complaint_schedule(
            complaint=complaint, **data, actor=self.request.user, request=self.request
        )
        return _("The dates and the decision were saved.")


class ComplaintSubmitView(ComplaintActionView):
    form_class = ProposalForm
    form_name = "proposal_form"

    def act(self, complaint, data) -> str:
        services.complaint_submit(
            complaint=complaint, **data, actor=self.request.user, request=self.request
        )
        return _("The complaint was put to its panel.")


# --- News ---------------------------------------------------------------------------------


class NewsListView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_see_news(self.request.user)

    def get(self, request):
        return render(
            request,
            "governance/news/list.html",
            {
                "items": selectors.news_list(user=request.user),
                "can_publish": permissions.can_publish_news(request.user),
            },
        )


class NewsCreateView(PermissionRequiredMixin, View):
    template_name = "governance/news/form.html"

    def has_permission(self) -> bool:
        return permissions.can_publish_news(self.request.user)

    def get(self, request):
        return render(request, self.template_name, {"form": NewsItemForm()})

    def post(self, request):
        form = NewsItemForm(request.POST)
        if form.is_valid():
            try:
                services.news_item_create(
                    **form.cleaned_data, actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The news item was published."))
                return redirect("governance:news_list")
        return render(request, self.template_name, {"form": form}, status=422)
