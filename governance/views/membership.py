"""Accession (art. 69-72) and the supporter's signatures.

Anybody may apply; the secretariat checks, announces and puts applications to the
Kerngroep; the parties read announced applications with their motivation letter and
respond until the deadline. A supporter's admin signs the supporter declaration and the
confidentiality protocol; the secretariat sees who signed which version and when.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.audit import audit_record, client_ip
from convenant.forms import add_service_errors
from convenant.uploads import attachment_response

from .. import permissions
from ..forms.membership import (
    AccessionAnnounceForm,
    AccessionAnswerForm,
    AccessionApplyForm,
    AccessionResponseForm,
    SignForm,
)
from ..models import AccessionStatus, SignedDocument
from ..selectors import membership as selectors
from ..selectors import organisation_get
from ..services import membership as services
from ..services.decisions import decision_for

# At most this many applications from one address per hour: enough for an office
# behind one address, too few to flood the secretariat's mailbox.
APPLY_LIMIT = 10
APPLY_WINDOW_SECONDS = 60 * 60


def _over_apply_limit(request) -> bool:
    """Count this attempt and say whether the address has used up its attempts."""
    key = f"governance:accession-apply:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, APPLY_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, APPLY_WINDOW_SECONDS)
        count = 1
    return count > APPLY_LIMIT


# --- Applying ----------------------------------------------------------------------------


class AccessionApplyView(View):
    """Public: an organisation applies to accede."""

    template_name = "governance/membership/apply.html"

    def get(self, request):
        return render(request, self.template_name, {"form": AccessionApplyForm()})

    def post(self, request):
        form = AccessionApplyForm(request.POST, request.FILES)
        if _over_apply_limit(request):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many applications were sent from your network in the last "
                    "hour. Try again later, or write to the secretariat."
                ),
            )
            return render(request, self.template_name, {"form": form}, status=429)
        if form.is_valid():
            try:
                services.accession_apply(
                    **form.service_arguments(), actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("governance:accession_applied")
        return render(request, self.template_name, {"form": form}, status=422)


class AccessionAppliedView(View):
    def get(self, request):
        return render(request, "governance/membership/applied.html")


# --- Reading and handling applications ----------------------------------------------------


class AccessionAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_view_accessions(self.request.user)


class SecretariatMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_review_accessions(self.request.user)


class AccessionListView(AccessionAccessMixin, View):
    def get(self, request):
        status = request.GET.get("status", "")
        if status not in AccessionStatus.values:
            status = ""
        return render(
            request,
            "governance/membership/list.html",
            {
                "applications": selectors.accession_list(
                    user=request.user, status=status
                ),
                "status": status,
                "statuses": AccessionStatus.choices,
                "is_secretariat": permissions.can_review_accessions(request.user),
            },
        )


def _detail(request, application, *, status: int = 200, **forms):
    user = request.user
    today = timezone.localdate()
    reviewer = permissions.can_review_accessions(user)
    responses = list(selectors.accession_responses(user=user, application=application))
    can_respond = permissions.can_respond_to_accessions(
        user
    ) and application.responses_open_on(today)
    context = {
        "application": application,
        "responses": responses,
        "is_secretariat": reviewer,
        "decision": decision_for(application),
        "can_respond": can_respond,
        "responses_open": application.responses_open_on(today),
        "can_announce": reviewer and application.status == AccessionStatus.SUBMITTED,
        "can_answer": reviewer
        and application.status
        in (AccessionStatus.ANNOUNCED, AccessionStatus.WITH_KERNGROEP),
        "can_put_to_kerngroep": reviewer
        and application.status == AccessionStatus.ANNOUNCED
        and not application.responses_open_on(today),
        "can_withdraw": reviewer
        and application.status
        in (AccessionStatus.SUBMITTED, AccessionStatus.ANNOUNCED),
        "announce_form": forms.get("announce_form")
        or AccessionAnnounceForm(
            initial={"response_deadline": services.default_response_deadline(today)}
        ),
        "response_form": forms.get("response_form") or AccessionResponseForm(),
        "answer_form": forms.get("answer_form"),
        "answer_for": forms.get("answer_for"),
    }
    return render(request, "governance/membership/detail.html", context, status=status)


class AccessionDetailView(AccessionAccessMixin, View):
    def get(self, request, pk: int):
        application = selectors.accession_get(user=request.user, pk=pk)
        return _detail(request, application)


class AccessionLetterView(AccessionAccessMixin, View):
    """The motivation letter as an attachment, never shown inline; every download is
    audited."""

    def get(self, request, pk: int):
        application = selectors.accession_get(user=request.user, pk=pk)
        try:
            handle = application.letter.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        audit_record(
            actor=request.user,
            action="accession.letter_download",
            obj=application,
            organisation=application.organisation,
            request=request,
            details={"name": application.letter_name},
        )
        return attachment_response(
            handle,
            name=application.letter_name,
            default="motivation-letter",
            content_type=application.letter_type or "application/octet-stream",
        )


class AccessionAnnounceView(SecretariatMixin, View):
    def post(self, request, pk: int):
        application = selectors.accession_get(user=request.user, pk=pk)
        form = AccessionAnnounceForm(request.POST)
        if form.is_valid():
            try:
                services.accession_announce(
                    application=application,
                    response_deadline=form.cleaned_data["response_deadline"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The application was announced; the parties' admins get a "
                        "mail and may respond until %(date)s."
                    )
                    % {"date": form.cleaned_data["response_deadline"].isoformat()},
                )
                return redirect("governance:accession_detail", pk=application.pk)
        return _detail(request, application, status=422, announce_form=form)


class AccessionRespondView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_respond_to_accessions(self.request.user)

    def post(self, request, pk: int):
        application = selectors.accession_get(user=request.user, pk=pk)
        form = AccessionResponseForm(request.POST)
        if form.is_valid():
            try:
                services.accession_respond(
                    application=application,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your response was sent to the secretariat."),
                )
                return redirect("governance:accession_detail", pk=application.pk)
        return _detail(request, application, status=422, response_form=form)


class AccessionAnswerView(SecretariatMixin, View):
    def post(self, request, pk: int):
        response = selectors.accession_response_get(user=request.user, pk=pk)
        form = AccessionAnswerForm(request.POST)
        if form.is_valid():
            try:
                services.accession_answer(
                    response=response,
                    answer=form.cleaned_data["answer"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The answer was sent."))
                return redirect(
                    "governance:accession_detail", pk=response.application_id
                )
        application = selectors.accession_get(
            user=request.user, pk=response.application_id
        )
        return _detail(
            request,
            application,
            status=422,
            answer_form=form,
            answer_for=response.pk,
        )


class AccessionToKerngroepView(SecretariatMixin, View):
    def post(self, request, pk: int):
        application = selectors.accession_get(user=request.user, pk=pk)
        try:
            services.accession_put_to_kerngroep(
                application=application, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The application is with the Kerngroep now."))
        return redirect("governance:accession_detail", pk=application.pk)


class AccessionWithdrawView(SecretariatMixin, View):
    def post(self, request, pk: int):
        application = selectors.accession_get(user=request.user, pk=pk)
        try:
            services.accession_withdraw(
                application=application, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The application was withdrawn at the applicant's request.")
            )
        return redirect("governance:accession_detail", pk=application.pk)


# --- The supporter's signatures -----------------------------------------------------------


class SupporterAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_sign_supporter_texts(self.request.user)


def _texts_page(request, *, status: int = 200, form=None, form_for: str = ""):
    organisation = request.user.organisation
    return render(
        request,
        "governance/membership/supporter_texts.html",
        {
            "organisation": organisation,
            "texts": selectors.supporter_texts(organisation=organisation),
            "sign_form": SignForm(organisation=organisation),
            "failed_form": form,
            "failed_for": form_for,
        },
        status=status,
    )


class SupporterTextsView(SupporterAccessMixin, View):
    def get(self, request):
        return _texts_page(request)


class SupporterSignView(SupporterAccessMixin, View):
    def post(self, request, document: str):
        if document not in SignedDocument.values:
            raise Http404
        organisation = request.user.organisation
        form = SignForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                signature = services.signature_sign(
                    organisation=organisation,
                    document=document,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("You signed the %(text)s (version %(version)s).")
                    % {
                        "text": signature.get_document_display().lower(),
                        "version": signature.version,
                    },
                )
                return redirect("governance:supporter_texts")
        return _texts_page(request, status=422, form=form, form_for=document)


class SignatureListView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_view_signatures(self.request.user)

    def get(self, request):
        return render(
            request,
            "governance/membership/signature_list.html",
            {"rows": selectors.signature_overview(user=request.user)},
        )


class OrganisationSignaturesView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_view_signatures(self.request.user)

    def get(self, request, pk: int):
        organisation = organisation_get(user=request.user, pk=pk)
        return render(
            request,
            "governance/membership/organisation_signatures.html",
            {
                "organisation": organisation,
                "signature_texts": selectors.organisation_signature_texts(
                    user=request.user, organisation=organisation
                ),
            },
        )
