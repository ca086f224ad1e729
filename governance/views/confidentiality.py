"""Confidentiality agreements, modules and their participants, and the yearly
documents.

- The secretariat records agreements signed on paper and revokes them; an NGO's, union's
  or supporter's people see their own organisation's agreements and its administrators
  sign the current NDA text here. Another organisation's agreement gives 404.
- Every person of an active party or supporter sees the modules and the organisations
  taking part (names only); the secretariat keeps them.
- The yearly documents: published ones for every signed-in person; the others for the
  secretariat, the Kerngroep and the chair. The secretariat uploads them and records
  their status.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.audit import audit_record
from convenant.forms import add_service_errors
from convenant.selectors import agreement_current, agreement_years
from convenant.uploads import attachment_response

from .. import permissions
from ..forms.confidentiality import (
    AgreementFilterForm,
    ConfidentialityRecordForm,
    ConfidentialityRevokeForm,
    ConfidentialitySignForm,
    ModuleForm,
    ModuleParticipantForm,
    ParticipationEndForm,
    YearlyDocumentForm,
    YearlyStatusForm,
)
from ..models.confidentiality import (
    ConfidentialityKind,
    ConfidentialityState,
    YearlyDocumentKind,
    YearlyDocumentStatus,
)
from ..selectors import confidentiality as selectors
from ..services import confidentiality as services


def _attachment(field_file, name: str) -> FileResponse:
    """A stored file as a download, never shown inline."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return attachment_response(handle, name=name)


class SecretariatConfidentialityMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_manage_confidentiality(self.request.user)


class ConfidentialityAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        user = self.request.user
        return permissions.can_manage_confidentiality(
            user
        ) or permissions.can_see_own_confidentiality(user)


# --- Confidentiality agreements ---------------------------------------------------------


class ConfidentialityListView(SecretariatConfidentialityMixin, View):
    def get(self, request):
        form = AgreementFilterForm(request.GET or None)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        filters = selectors.AgreementFilters(
            state=data.get("state", ""), kind=data.get("kind", ""), q=data.get("q", "")
        )
        items = selectors.confidentiality_list(user=request.user, filters=filters)
        counts = selectors.confidentiality_counts()
        return render(
            request,
            "governance/confidentiality/list.html",
            {
                "form": form if form.is_bound else AgreementFilterForm(),
                "items": items,
                "counts": [
                    (state, label, counts[state])
                    for state, label in ConfidentialityState.choices
                ],
            },
        )


class ConfidentialityCreateView(SecretariatConfidentialityMixin, View):
    template_name = "governance/confidentiality/form.html"

    def get(self, request):
        initial = {"signed_on": timezone.localdate()}
        if organisation := request.GET.get("organisation", ""):
            initial["organisation"] = organisation if organisation.isdecimal() else None
        return render(
            request,
            self.template_name,
            {"form": ConfidentialityRecordForm(initial=initial)},
        )

    def post(self, request):
        form = ConfidentialityRecordForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                item = services.confidentiality_record(
                    **form.service_arguments(), actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The agreement of %(name)s was recorded.")
                    % {"name": item.organisation.name},
                )
                return redirect("governance:confidentiality_detail", pk=item.pk)
        return render(request, self.template_name, {"form": form}, status=422)


class ConfidentialityDetailView(ConfidentialityAccessMixin, View):
    def get(self, request, pk: int):
        item = selectors.confidentiality_get(user=request.user, pk=pk)
        return render(
            request,
            "governance/confidentiality/detail.html",
            {
                "item": item,
                "state_label": ConfidentialityState(item.current_state).label,
                "can_manage": permissions.can_manage_confidentiality(request.user),
            },
        )


class ConfidentialityRevokeView(SecretariatConfidentialityMixin, View):
    template_name = "governance/confidentiality/revoke.html"

    def _render(self, request, item, form, status=200):
        return render(
            request, self.template_name, {"item": item, "form": form}, status=status
        )

    def get(self, request, pk: int):
        item = selectors.confidentiality_get(user=request.user, pk=pk)
        return self._render(request, item, ConfidentialityRevokeForm())

    def post(self, request, pk: int):
        item = selectors.confidentiality_get(user=request.user, pk=pk)
        form = ConfidentialityRevokeForm(request.POST)
        if form.is_valid():
            try:
                services.confidentiality_revoke(
                    agreement=item,
                    reason=form.cleaned_data["revocation_reason"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The agreement of %(name)s was revoked; access that depends on "
                        "it has ended."
                    )
                    % {"name": item.organisation.name},
                )
                return redirect("governance:confidentiality_detail", pk=item.pk)
        return self._render(request, item, form, status=422)


class ConfidentialityScanView(ConfidentialityAccessMixin, View):
    """The signed copy, as an attachment; the secretariat's downloads are audited."""

    def get(self, request, pk: int):
        item = selectors.confidentiality_get(user=request.user, pk=pk)
        if not item.scan:
            raise Http404
        response = _attachment(item.scan, item.scan_name)
        audit_record(
            actor=request.user,
            action="governance.confidentiality_scan_download",
            obj=item,
            organisation=item.organisation,
            request=request,
        )
        return response


class OwnConfidentialityMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_see_own_confidentiality(self.request.user)


class ConfidentialityOwnView(OwnConfidentialityMixin, View):
    def get(self, request):
        items = selectors.confidentiality_list(user=request.user)
        # Offer to sign only while the current text is not signed and valid already.
        signed = any(
            item.kind == ConfidentialityKind.NDA
            and item.text_version == services.CURRENT_NDA_VERSION
            and item.current_state
            in {ConfidentialityState.VALID, ConfidentialityState.EXPIRING}
            for item in items
        )
        return render(
            request,
            "governance/confidentiality/own.html",
            {
                "organisation": request.user.organisation,
                "items": items,
                "can_sign": permissions.can_sign_confidentiality(request.user)
                and not signed,
                "nda_version": services.CURRENT_NDA_VERSION,
            },
        )


class ConfidentialitySignView(PermissionRequiredMixin, View):
    template_name = "governance/confidentiality/sign.html"

    def has_permission(self) -> bool:
        return permissions.can_sign_confidentiality(self.request.user)

    def _render(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "organisation": request.user.organisation,
                "text_template": services.nda_template(),
                "version": services.CURRENT_NDA_VERSION,
                "valid_until": services.agreement_term_end(),
                "today": timezone.localdate(),
            },
            status=status,
        )

    def get(self, request):
        return self._render(
            request, ConfidentialitySignForm(organisation=request.user.organisation)
        )

    def post(self, request):
        organisation = request.user.organisation
        form = ConfidentialitySignForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                item = services.confidentiality_sign(
                    organisation=organisation,
                    on_behalf=form.cleaned_data["on_behalf"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("You signed the agreement on behalf of %(name)s.")
                    % {"name": organisation.name},
                )
                return redirect("governance:confidentiality_detail", pk=item.pk)
        return self._render(request, form, status=422)


# --- Modules (art. 29-30) ---------------------------------------------------------------


def _language() -> str:
    return "nl" if (get_language() or "nl")[:2] == "nl" else "en"


class ModuleAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_see_modules(self.request.user)


class ModuleManageMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_manage_modules(self.request.user)


def _framework_titles() -> dict[str, str]:
    language = _language()
    return {
        code: titles.get(language) or titles.get("nl") or ""
        for code, titles in selectors.framework_module_titles().items()
    }


class ModuleListView(ModuleAccessMixin, View):
    def get(self, request):
        return render(
            request,
            "governance/modules/list.html",
            {
                "modules": selectors.module_list(user=request.user),
                "can_manage": permissions.can_manage_modules(request.user),
                "framework_titles": _framework_titles(),
                "today": timezone.localdate(),
            },
        )


class ModuleDetailView(ModuleAccessMixin, View):
    def get(self, request, pk: int):
        module = selectors.module_get(user=request.user, pk=pk)
        return render(
            request,
            "governance/modules/detail.html",
            {
                "module": module,
                "can_manage": permissions.can_manage_modules(request.user),
                "framework_title": _framework_titles().get(module.code, ""),
                "today": timezone.localdate(),
            },
        )


class ModuleCreateView(ModuleManageMixin, View):
    template_name = "governance/modules/form.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            {"form": ModuleForm(initial={"starts_on": timezone.localdate()})},
        )

    def post(self, request):
        form = ModuleForm(request.POST)
        if form.is_valid():
            try:
                module = services.module_save(
                    **{
                        name: form.cleaned_data.get(name)
                        for name in services.MODULE_FIELDS
                    },
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The module was added."))
                return redirect("governance:module_detail", pk=module.pk)
        return render(request, self.template_name, {"form": form}, status=422)


class ModuleUpdateView(ModuleManageMixin, View):
    template_name = "governance/modules/form.html"

    def get(self, request, pk: int):
        module = selectors.module_get(user=request.user, pk=pk)
        return render(
            request,
            self.template_name,
            {"form": ModuleForm(instance=module), "module": module},
        )

    def post(self, request, pk: int):
        module = selectors.module_get(user=request.user, pk=pk)
        form = ModuleForm(request.POST)
        if form.is_valid():
            try:
                services.module_save(
                    module=module,
                    **{
                        name: form.cleaned_data.get(name)
                        for name in services.MODULE_FIELDS
                    },
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The module was saved."))
                return redirect("governance:module_detail", pk=module.pk)
        return render(
            request, self.template_name, {"form": form, "module": module}, status=422
        )


class ModuleParticipantAddView(ModuleManageMixin, View):
    template_name = "governance/modules/participant_form.html"

    def _render(self, request, module, form, status=200):
        return render(
            request, self.template_name, {"module": module, "form": form}, status=status
        )

    def get(self, request, pk: int):
        module = selectors.module_get(user=request.user, pk=pk)
        return self._render(
            request,
            module,
            ModuleParticipantForm(initial={"starts_on": timezone.localdate()}),
        )

    def post(self, request, pk: int):
        module = selectors.module_get(user=request.user, pk=pk)
        form = ModuleParticipantForm(request.POST)
        if form.is_valid():
            try:
                item = services.module_participant_add(
                    module=module,
                    **form.cleaned_data,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s takes part in the module.")
                    % {"name": item.organisation.name},
                )
                return redirect("governance:module_detail", pk=module.pk)
        return self._render(request, module, form, status=422)


class ModuleParticipationEndView(ModuleManageMixin, View):
    template_name = "governance/modules/participation_end.html"

    def _render(self, request, item, form, status=200):
        return render(
            request, self.template_name, {"item": item, "form": form}, status=status
        )

    def get(self, request, pk: int):
        item = selectors.module_participation_get(user=request.user, pk=pk)
        return self._render(
            request,
            item,
            ParticipationEndForm(initial={"ends_on": timezone.localdate()}),
        )

    def post(self, request, pk: int):
        item = selectors.module_participation_get(user=request.user, pk=pk)
        form = ParticipationEndForm(request.POST)
        if form.is_valid():
            try:
                services.module_participation_end(
                    participation=item,
                    ends_on=form.cleaned_data["ends_on"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The participation of %(name)s ends on %(date)s.")
                    % {
                        "name": item.organisation.name,
                        "date": form.cleaned_data["ends_on"].isoformat(),
                    },
                )
                return redirect("governance:module_detail", pk=item.module_id)
        return self._render(request, item, form, status=422)


# --- Yearly documents (art. 50, 63-64) ---------------------------------------------------


def _agreement():
    agreement = agreement_current()
    if agreement is None:
        raise Http404
    return agreement


def _year(number: int):
    year = agreement_years(agreement=_agreement()).filter(number=number).first()
    if year is None:
        raise Http404
    return year


class YearlyAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_see_yearly_documents(self.request.user)


class YearlyManageMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_manage_yearly_documents(self.request.user)


class YearlyIndexView(YearlyAccessMixin, View):
    """To the page of the year running today (the first year before the term)."""

    def get(self, request):
        year = selectors.yearly_current_year(agreement=_agreement())
        if year is None:
            raise Http404
        return redirect("governance:yearly_document_year", year=year.number)


class YearlyYearView(YearlyAccessMixin, View):
    def get(self, request, year: int):
        agreement_year = _year(year)
        return render(
            request,
            "governance/yearly/year.html",
            {
                "year": agreement_year,
                "years": list(agreement_years(agreement=agreement_year.agreement)),
                "rows": selectors.yearly_documents_of_year(
                    user=request.user, agreement_year=agreement_year
                ),
                "can_manage": permissions.can_manage_yearly_documents(request.user),
                "sees_unpublished": permissions.can_see_unpublished_yearly_documents(
                    request.user
                ),
            },
        )


class YearlyDocumentEditView(YearlyManageMixin, View):
    template_name = "governance/yearly/form.html"

    def _context(self, year, kind, form):
        document = selectors.yearly_document_of(agreement_year=year, kind=kind)
        return {
            "year": year,
            "kind": kind,
            "kind_label": YearlyDocumentKind(kind).label,
            "document": document,
            "form": form,
            "status_form": YearlyStatusForm(),
            "next_statuses": [
                (value, YearlyDocumentStatus(value).label)
                for value in (document.next_statuses() if document else [])
            ],
        }

    def _kind(self, kind: str) -> str:
        if kind not in YearlyDocumentKind.values:
            raise Http404
        return kind

    def get(self, request, year: int, kind: str):
        agreement_year = _year(year)
        kind = self._kind(kind)
        document = selectors.yearly_document_of(
            agreement_year=agreement_year, kind=kind
        )
        form = YearlyDocumentForm(initial={"notes": document.notes if document else ""})
        return render(
            request, self.template_name, self._context(agreement_year, kind, form)
        )

    def post(self, request, year: int, kind: str):
        agreement_year = _year(year)
        kind = self._kind(kind)
        form = YearlyDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.yearly_document_save(
                    agreement_year=agreement_year,
                    kind=kind,
                    notes=form.cleaned_data["notes"],
                    file=form.cleaned_data.get("file"),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The document was saved."))
                return redirect("governance:yearly_document_edit", year=year, kind=kind)
        return render(
            request,
            self.template_name,
            self._context(agreement_year, kind, form),
            status=422,
        )


class YearlyDocumentStatusView(YearlyManageMixin, View):
    def post(self, request, pk: int):
        document = selectors.yearly_document_get(user=request.user, pk=pk)
        form = YearlyStatusForm(request.POST)
        target = redirect(
            "governance:yearly_document_edit",
            year=document.agreement_year.number,
            kind=document.kind,
        )
        if not form.is_valid():
            messages.error(request, _("Choose the status the document moves to."))
            return target
        try:
            services.yearly_document_transition(
                document=document,
                status=form.cleaned_data["status"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The document is now “%(status)s”.")
                % {"status": YearlyDocumentStatus(form.cleaned_data["status"]).label},
            )
        return target


class YearlyDocumentFileView(YearlyAccessMixin, View):
    def get(self, request, pk: int):
        document = selectors.yearly_document_get(user=request.user, pk=pk)
        if not document.file:
            raise Http404
        return _attachment(document.file, document.original_name)
