"""The secretariat's side of the monitoring tool: framework versions, rounds with their
invitations, progress and reminders, the overview of a round and each company's score
ledger. Every page is the secretariat's alone."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import View

from convenant import selectors as convenant_selectors
from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors
from convenant.uploads import content_disposition
from governance.models import FteBand

from .. import permissions
from ..forms.secretariat import (
    FrameworkUploadForm,
    InviteForm,
    OverviewFilterForm,
    ProgressFilterForm,
    RemindForm,
    RoundForm,
    RoundStatusForm,
)
from ..framework import dump_framework_yaml
from ..models import RoundKind
from ..selectors import overview as overview_selectors
from ..selectors import rounds as selectors
from ..services import frameworks as framework_services
from ..services import rounds as round_services


class SecretariatMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_manage_monitoring(self.request.user)


def _language() -> str:
    return (get_language() or "nl")[:2]


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Frameworks ------------------------------------------------------------------------


class FrameworkListView(SecretariatMixin, View):
    def get(self, request):
        return render(
            request,
            "monitoring/secretariat/framework_list.html",
            {"rows": selectors.framework_list()},
        )


class FrameworkUploadView(SecretariatMixin, View):
    template_name = "monitoring/secretariat/framework_upload.html"

    def get(self, request):
        return render(request, self.template_name, {"form": FrameworkUploadForm()})

    def post(self, request):
        form = FrameworkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            source = form.cleaned_data["source"]
            started = timezone.now()
            try:
                framework, created = framework_services.framework_load(
                    text=source, actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
                form.keep_source(source)
            else:
                if created:
                    message = _("Version %(version)s of “%(code)s” was loaded.")
                elif framework.loaded_at >= started:
                    message = _("Version %(version)s of “%(code)s” was replaced.")
                else:
                    message = _(
                        "Version %(version)s of “%(code)s” was loaded already with the "
                        "same content; nothing changed."
                    )
                messages.success(
                    request,
                    message % {"version": framework.version, "code": framework.code},
                )
                return redirect("monitoring:framework_detail", pk=framework.pk)
        return render(request, self.template_name, {"form": form})


class FrameworkDetailView(SecretariatMixin, View):
    def get(self, request, pk: int):
        framework = selectors.framework_get(pk=pk)
        outline = selectors.framework_outline(
            framework=framework.parsed, language=_language()
        )
        return render(
            request,
            "monitoring/secretariat/framework_detail.html",
            {"framework": framework, "outline": outline},
        )


class FrameworkDownloadView(SecretariatMixin, View):
    def get(self, request, pk: int):
        framework = selectors.framework_get(pk=pk)
        response = HttpResponse(
            dump_framework_yaml(framework.parsed),
            content_type="application/yaml; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition(
            f"{framework.code}-v{framework.version}.yaml"
        )
        return response


# --- Rounds ----------------------------------------------------------------------------


class RoundListView(SecretariatMixin, View):
    def get(self, request):
        return render(
            request,
            "monitoring/secretariat/round_list.html",
            {
                "rounds": selectors.round_list(),
                "has_framework": selectors.frameworks_exist(),
            },
        )


class RoundCreateView(SecretariatMixin, View):
    template_name = "monitoring/secretariat/round_form.html"

    def form(self, data=None) -> RoundForm:
        agreement = convenant_selectors.agreement_current()
        initial = {}
        if data is None:
            current = (
                convenant_selectors.agreement_year_on(agreement=agreement)
                if agreement
                else None
            )
            initial = {
                "agreement_year": current,
                "framework": selectors.framework_choices().first(),
            }
        return RoundForm(data, agreement=agreement, initial=initial)

    def get(self, request):
        return render(
            request,
            self.template_name,
            {"form": self.form(), "has_framework": selectors.frameworks_exist()},
        )

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                round_ = round_services.round_create(
                    **form.service_arguments(), actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The round “%(name)s” was created as a draft.")
                    % {"name": round_.name},
                )
                return redirect("monitoring:round_detail", pk=round_.pk)
        return render(
            request,
            self.template_name,
            {"form": form, "has_framework": selectors.frameworks_exist()},
        )


class RoundUpdateView(SecretariatMixin, View):
    template_name = "monitoring/secretariat/round_form.html"

    def get(self, request, pk: int):
        round_ = selectors.round_get(pk=pk)
        form = RoundForm(instance=round_, agreement=round_.agreement_year.agreement)
        return render(
            request,
            self.template_name,
            {"form": form, "round": round_, "has_framework": True},
        )

    def post(self, request, pk: int):
        round_ = selectors.round_get(pk=pk)
        form = RoundForm(
            request.POST, instance=round_, agreement=round_.agreement_year.agreement
        )
        if form.is_valid():
            try:
                round_services.round_update(
                    round=round_,
                    **form.service_arguments(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("monitoring:round_detail", pk=round_.pk)
        round_.refresh_from_db()
        return render(
            request,
            self.template_name,
            {"form": form, "round": round_, "has_framework": True},
        )


class RoundStatusView(SecretariatMixin, View):
    def post(self, request, pk: int):
        round_ = selectors.round_get(pk=pk)
        form = RoundStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether to open or to close the round."))
            return redirect("monitoring:round_detail", pk=round_.pk)
        try:
            round_ = round_services.round_change_status(
                round=round_, status=form.status, actor=request.user, request=request
            )
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(
                request,
                _("The round is now %(status)s.")
                % {"status": round_.get_status_display().lower()},
            )
        return redirect("monitoring:round_detail", pk=round_.pk)


class RoundInviteView(SecretariatMixin, View):
    template_name = "monitoring/secretariat/round_invite.html"

    def context(self, round_, form) -> dict:
        return {
            "round": round_,
            "form": form,
            "companies_left": form.fields["organisations"].queryset.exists(),
        }

    def get(self, request, pk: int):
        round_ = selectors.round_get(pk=pk)
        form = InviteForm(companies=selectors.round_uninvited_companies(round=round_))
        return render(request, self.template_name, self.context(round_, form))

    def post(self, request, pk: int):
        round_ = selectors.round_get(pk=pk)
        # Companies invited meanwhile stay valid choices: inviting them again does
        # nothing, so a form sent twice does no harm.
        form = InviteForm(request.POST, companies=selectors.invitable_companies())
        if form.is_valid():
            try:
                created = round_services.round_invite(
                    round=round_,
                    organisations=form.cleaned_data["organisations"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if not created:
                    messages.info(
                        request, _("These companies had been invited already.")
                    )
                    return redirect("monitoring:round_detail", pk=round_.pk)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s company was invited; its people get an email "
                        "with the link to the self-assessment.",
                        "%(count)s companies were invited; their people get an email "
                        "with the link to the self-assessment.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
                return redirect("monitoring:round_detail", pk=round_.pk)
        return render(request, self.template_name, self.context(round_, form))


PROGRESS_PAGE_SIZE = 100


class RoundDetailView(SecretariatMixin, View):
    """The progress of a round: every invited company, with counts on top."""

    def get(self, request, pk: int):
        round_ = selectors.round_get(pk=pk)
        form = ProgressFilterForm(
            request.GET or None, signals=selectors.signal_choices()
        )
        status = signal = ""
        if form.is_valid():
            status = form.cleaned_data["status"]
            signal = form.cleaned_data["signal"]
        progress = selectors.round_progress(round=round_, status=status, signal=signal)
        # The counts cover every company; the table shows them a page at a time.
        page = Paginator(progress.rows, PROGRESS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "monitoring/secretariat/round_detail.html",
            {
                "round": round_,
                "progress": progress,
                "page": page,
                "query": query.urlencode(),
                "form": form,
                "filtered": bool(status or signal),
            },
        )


class RoundRemindView(SecretariatMixin, View):
    def post(self, request, pk: int):
        round_ = selectors.round_get(pk=pk)
        form = RemindForm(request.POST)
        organisation = None
        if form.is_valid() and form.cleaned_data["organisation"]:
            organisation = get_object_or_404(
                selectors.round_companies(round=round_),
                pk=form.cleaned_data["organisation"],
            )
        try:
            reminders = round_services.round_remind(
                round=round_,
                organisation=organisation,
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            _show_errors(request, error)
            return redirect("monitoring:round_detail", pk=round_.pk)
        sent, skipped = len(reminders.sent), len(reminders.skipped)
        if organisation is not None:
            messages.success(
                request,
                _("A reminder was sent to %(name)s.") % {"name": organisation.name},
            )
        elif sent:
            messages.success(
                request,
                ngettext(
                    "A reminder was sent to %(count)s company.",
                    "A reminder was sent to %(count)s companies.",
                    sent,
                )
                % {"count": sent},
            )
        elif not skipped:
            messages.info(
                request, _("Every invited company has submitted: nobody to remind.")
            )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)s company was reminded today already and got no "
                    "reminder: a company gets at most one a day.",
                    "%(count)s companies were reminded today already and got no "
                    "reminder: a company gets at most one a day.",
                    skipped,
                )
                % {"count": skipped},
            )
        return redirect("monitoring:round_detail", pk=round_.pk)


# --- Overview and ledger ---------------------------------------------------------------


class OverviewView(SecretariatMixin, View):
    def get(self, request):
        kind = request.GET.get("kind", "")
        rounds = overview_selectors.overview_rounds(
            kind=kind if kind in RoundKind.values else ""
        )
        agreement = convenant_selectors.agreement_current()
        bands = FteBand.objects.filter(agreement=agreement).order_by("min_fte")
        form = OverviewFilterForm(request.GET or None, rounds=rounds, bands=bands)
        form.is_valid()  # a wrong value leaves that one filter out
        data = getattr(form, "cleaned_data", {})
        round_ = overview_selectors.overview_round_pick(rounds, data.get("round"))
        band = data.get("fte_band")
        filters = overview_selectors.OverviewFilters(
            csrd_category=data.get("csrd_category") or "",
            recycler=data.get("recycler"),
            fte_min=band.min_fte if band else None,
            fte_max=band.max_fte if band else None,
        )
        overview = (
            overview_selectors.monitoring_overview(
                round=round_, filters=filters, language=_language()
            )
            if round_ is not None
            else None
        )
        return render(
            request,
            "monitoring/secretariat/overview.html",
            {"form": form, "overview": overview, "round": round_},
        )


class LedgerView(SecretariatMixin, View):
    def get(self, request, pk: int):
        organisation = get_object_or_404(overview_selectors.ledger_companies(), pk=pk)
        return render(
            request,
            "monitoring/secretariat/ledger.html",
            {
                "organisation": organisation,
                "rows": overview_selectors.score_ledger(organisation=organisation),
            },
        )
