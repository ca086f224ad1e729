"""Requests and reports around the map (art. 22, 23).

NGOs and unions ask which companies are active in an area and the secretariat decides;
they keep an expertise profile every party can search; they report risks or abuses at a
supplier, and the secretariat notifies the companies that buy from it and brokers the
dialogue. Who sees what is decided in `ketenkaart/requests.py`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.audit import audit_record
from convenant.forms import add_service_errors
from convenant.uploads import attachment_response
from convenant.vocabulary import Material
from governance.models import ConfidentialityState
from governance.permissions import is_secretariat
from monitoring.models import RbcTheme

from .. import m49
from .. import requests as svc
from ..forms import (
    AreaRequestDecisionForm,
    AreaRequestForm,
    ExpertiseProfileForm,
    ExpertiseSearchForm,
    SupplierReportForm,
    SupplierReportMatchForm,
    SupplierReportNoteForm,
)
from ..models import AreaRequest
from ..permissions import is_company_user


def _language() -> str:
    return "nl" if (get_language() or "nl")[:2] == "nl" else "en"


def _area_label(level: str, code: str) -> str:
    return svc.area_label(level, code, _language())


# --- Which companies are active in an area (art. 22) --------------------------------------


class AreaRequestAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return svc.can_see_area_requests(self.request.user)


def _area_request(request, pk: int) -> AreaRequest:
    item = svc.area_request_list(user=request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


class AreaRequestListView(AreaRequestAccessMixin, View):
    def get(self, request):
        requests = list(svc.area_request_list(user=request.user))
        can_decide = svc.can_decide_area_requests(request.user)
        # For the secretariat: which organisations could have a request approved
        # today, in one query for the whole list.
        covered = (
            svc.organisations_with_area_agreement(
                {item.organisation_id for item in requests}
            )
            if can_decide
            else frozenset()
        )
        items = [
            {
                "item": item,
                "area": _area_label(item.area_level, item.area_code),
                "agreement_valid": item.organisation_id in covered,
            }
            for item in requests
        ]
        return render(
            request,
            "ketenkaart/requests/area_list.html",
            {
                "items": items,
                "can_ask": svc.can_ask_area(request.user),
                "can_decide": can_decide,
            },
        )


class AreaRequestCreateView(PermissionRequiredMixin, View):
    template_name = "ketenkaart/requests/area_form.html"

    def has_permission(self) -> bool:
        return svc.can_ask_area(self.request.user)

    def get(self, request):
        return render(request, self.template_name, {"form": AreaRequestForm()})

    def post(self, request):
        form = AreaRequestForm(request.POST)
        if form.is_valid():
            try:
                item = svc.area_request_create(
                    organisation=request.user.organisation,
                    **form.service_arguments(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your request was sent; the secretariat will decide on it."),
                )
                return redirect("ketenkaart:area_request_detail", pk=item.pk)
        return render(request, self.template_name, {"form": form}, status=422)


def _agreement_context(request, item) -> dict:
    """For the secretariat: the agreement an approval relied on, or for a waiting
    request the one it would rely on today, each with its state."""
    if not is_secretariat(request.user):
        return {}
    agreement = item.confidentiality_agreement
    if agreement is None and item.status == "pending":
        agreement = svc.area_request_agreement(item)
    if agreement is not None:
        state = agreement.state()
        agreement.current_state = state
        agreement.current_state_label = ConfidentialityState(state).label
    return {"agreement": agreement}


class AreaRequestDetailView(AreaRequestAccessMixin, View):
    def get(self, request, pk: int):
        item = _area_request(request, pk)
        refusal = svc.area_answer_refusal(item=item, actor=request.user)
        names = (
            []
            if refusal
            else svc.area_answer_view(item=item, actor=request.user, request=request)
        )
        return render(
            request,
            "ketenkaart/requests/area_detail.html",
            {
                "item": item,
                "area": _area_label(item.area_level, item.area_code),
                "names": names,
                "answer_withheld": refusal,
                "can_decide": svc.can_decide_area_requests(request.user)
                and item.status == "pending",
                **_agreement_context(request, item),
            },
        )


class AreaRequestDecideView(PermissionRequiredMixin, View):
    template_name = "ketenkaart/requests/area_decide.html"

    def has_permission(self) -> bool:
        return svc.can_decide_area_requests(self.request.user)

    def _render(self, request, item, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "item": item,
                "area": _area_label(item.area_level, item.area_code),
                "form": form,
                **_agreement_context(request, item),
            },
            status=status,
        )

    def get(self, request, pk: int):
        item = _area_request(request, pk)
        return self._render(request, item, AreaRequestDecisionForm())

    def post(self, request, pk: int):
        item = _area_request(request, pk)
        form = AreaRequestDecisionForm(request.POST)
        if form.is_valid():
            try:
                svc.area_request_decide(
                    item=item,
                    **form.service_arguments(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("ketenkaart:area_request_detail", pk=item.pk)
        return self._render(request, item, form, status=422)


# --- Expertise overview (art. 23) --------------------------------------------------------


def _profile_rows(profiles) -> list[dict]:
    language = _language()
    materials = dict(Material.choices)
    themes = dict(RbcTheme.choices)
    return [
        {
            "profile": profile,
            "places": [m49.country_name(code, language) for code in profile.countries]
            + [m49.area_name(code, language) for code in profile.areas],
            "materials": [str(materials.get(v, v)) for v in profile.materials],
            "themes": [str(themes.get(v, v)) for v in profile.themes],
        }
        for profile in profiles
    ]


class ExpertiseListView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return svc.can_see_expertise(self.request.user)

    def get(self, request):
        form = ExpertiseSearchForm(request.GET or None)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        profiles = svc.expertise_search(
            country=filters.get("country", ""), material=filters.get("material", "")
        )
        return render(
            request,
            "ketenkaart/requests/expertise_list.html",
            {
                "form": form if form.is_bound else ExpertiseSearchForm(),
                "rows": _profile_rows(profiles),
                "can_edit": svc.can_keep_expertise(request.user),
            },
        )


class ExpertiseEditView(PermissionRequiredMixin, View):
    template_name = "ketenkaart/requests/expertise_form.html"

    def has_permission(self) -> bool:
        return svc.can_keep_expertise(self.request.user)

    def get(self, request):
        profile = svc.expertise_profile_get(request.user.organisation)
        initial = (
            {name: getattr(profile, name) for name in ExpertiseProfileForm.base_fields}
            if profile is not None
            else {"contact_email": request.user.email}
        )
        return render(
            request, self.template_name, {"form": ExpertiseProfileForm(initial=initial)}
        )

    def post(self, request):
        form = ExpertiseProfileForm(request.POST)
        if form.is_valid():
            try:
                svc.expertise_profile_save(
                    organisation=request.user.organisation,
                    **form.cleaned_data,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your expertise profile was saved."))
                return redirect("ketenkaart:expertise_list")
        return render(request, self.template_name, {"form": form}, status=422)


# --- Supplier reports (art. 23) ---------------------------------------------------------


class SupplierReportAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return svc.can_see_supplier_reports(self.request.user)


class BrokerMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return svc.can_broker_reports(self.request.user)


class SupplierReportListView(SupplierReportAccessMixin, View):
    def get(self, request):
        return render(
            request,
            "ketenkaart/requests/report_list.html",
            {
                "items": svc.supplier_report_list(user=request.user),
                "can_report": svc.can_report_supplier(request.user),
                "is_secretariat": is_secretariat(request.user),
                "is_company": is_company_user(request.user),
            },
        )


class SupplierReportCreateView(PermissionRequiredMixin, View):
    template_name = "ketenkaart/requests/report_form.html"

    def has_permission(self) -> bool:
        return svc.can_report_supplier(self.request.user)

    def get(self, request):
        return render(request, self.template_name, {"form": SupplierReportForm()})

    def post(self, request):
        form = SupplierReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = svc.supplier_report_create(
                    organisation=request.user.organisation,
                    supplier_name=data["supplier_name"],
                    country=data["country"],
                    activity=data["activity"],
                    description=data["description"],
                    share_reporter=data["share_reporter"],
                    evidence=data.get("evidence"),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your report was sent. The secretariat looks for the companies "
                        "that buy from this supplier and keeps you informed here."
                    ),
                )
                return redirect("ketenkaart:supplier_report_detail", pk=item.pk)
        return render(request, self.template_name, {"form": form}, status=422)


def _detail_context(request, report, note_form=None) -> dict:
    user = request.user
    secretariat = is_secretariat(user)
    company = is_company_user(user)
    notified = list(report.notified.select_related("company")) if secretariat else []
    if note_form is None and (secretariat or company):
        note_form = SupplierReportNoteForm(
            companies=[link.company for link in notified], secretariat=secretariat
        )
    return {
        "report": report,
        "activity": svc.activity_label(report.activity),
        "notes": svc.supplier_report_notes(report=report, user=user),
        "is_secretariat": secretariat,
        "is_company": company,
        "show_reporter": secretariat or not company or report.share_reporter,
        "notified": notified,
        "note_form": note_form,
        "can_download": svc.can_download_evidence(user, report),
    }


class SupplierReportDetailView(SupplierReportAccessMixin, View):
    def get(self, request, pk: int):
        report = svc.supplier_report_get(user=request.user, pk=pk)
        return render(
            request,
            "ketenkaart/requests/report_detail.html",
            _detail_context(request, report),
        )


class SupplierReportMatchView(BrokerMixin, View):
    """The companies whose lists name the reported supplier, exact and near, for the
    secretariat to confirm which to notify."""

    template_name = "ketenkaart/requests/report_match.html"

    def _render(self, request, report, matches, form, status=200):
        notified = set(report.notified.values_list("company_id", flat=True))
        if form.is_bound:
            chosen = {
                int(value)
                for value in form.data.getlist("companies")
                if str(value).isdecimal()
            }
        else:
            chosen = {match.company_id for match in matches if match.exact}
        return render(
            request,
            self.template_name,
            {
                "report": report,
                "matches": matches,
                "notified": notified,
                "chosen": chosen,
                "form": form,
            },
            status=status,
        )

    def get(self, request, pk: int):
        report = svc.supplier_report_get(user=request.user, pk=pk)
        matches = svc.supplier_report_matches(report)
        return self._render(
            request, report, matches, SupplierReportMatchForm(matches=matches)
        )

    def post(self, request, pk: int):
        report = svc.supplier_report_get(user=request.user, pk=pk)
        matches = svc.supplier_report_matches(report)
        form = SupplierReportMatchForm(request.POST, matches=matches)
        if form.is_valid():
            try:
                made = svc.supplier_report_notify(
                    report=report,
                    company_ids=form.cleaned_data["companies"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)d companies were notified.") % {"count": len(made)},
                )
                return redirect("ketenkaart:supplier_report_detail", pk=report.pk)
        return self._render(request, report, matches, form, status=422)


class SupplierReportNoteView(PermissionRequiredMixin, View):
    """The secretariat's notes, and a notified company's replies in its dialogue."""

    def has_permission(self) -> bool:
        user = self.request.user
        return is_secretariat(user) or is_company_user(user)

    def post(self, request, pk: int):
        secretariat = is_secretariat(request.user)
        report = svc.supplier_report_get(user=request.user, pk=pk)
        companies = (
            [link.company for link in report.notified.select_related("company")]
            if secretariat
            else []
        )
        form = SupplierReportNoteForm(
            request.POST, companies=companies, secretariat=secretariat
        )
        if form.is_valid():
            data = form.cleaned_data
            company = next((c for c in companies if c.pk == data.get("company")), None)
            try:
                svc.supplier_report_note_add(
                    report=report,
                    text=data["text"],
                    company=company,
                    for_reporter=bool(data.get("for_reporter")),
                    status=data.get("status") or "",
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The note was added."))
                return redirect("ketenkaart:supplier_report_detail", pk=report.pk)
        return render(
            request,
            "ketenkaart/requests/report_detail.html",
            _detail_context(request, report, form),
            status=422,
        )


class SupplierReportEvidenceView(SupplierReportAccessMixin, View):
    def get(self, request, pk: int):
        report = svc.supplier_report_get(user=request.user, pk=pk)
        if not svc.can_download_evidence(request.user, report) or not report.evidence:
            raise Http404
        try:
            handle = report.evidence.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        if is_secretariat(request.user):
            audit_record(
                actor=request.user,
                action="ketenkaart.supplier_report_evidence",
                obj=report,
                organisation=report.organisation,
                request=request,
            )
        return attachment_response(
            handle, name=report.evidence_name, default="evidence"
        )
