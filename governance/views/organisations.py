from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors

from .. import notifications, permissions, selectors, services
from ..forms import (
    AcceptInvitationForm,
    InvitationForm,
    OrganisationFilterForm,
    OrganisationForm,
    StatusChangeForm,
)
from ..models import ALLOWED_STATUS_CHANGES, Invitation, OrganisationStatus

PAGE_SIZE = 50


class OrganisationListView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_manage_organisations(self.request.user)

    def get(self, request):
        form = OrganisationFilterForm(request.GET or None)
        filters = selectors.OrganisationFilters()
        if form.is_valid():
            filters = selectors.OrganisationFilters(**form.cleaned_data)
        organisations = selectors.organisation_list(user=request.user, filters=filters)
        page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "governance/organisation_list.html",
            {"form": form, "page": page, "query": query.urlencode()},
        )


class OrganisationCreateView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_manage_organisations(self.request.user)

    def get(self, request):
        return render(
            request, "governance/organisation_form.html", {"form": OrganisationForm()}
        )

    def post(self, request):
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                organisation = services.organisation_create(
                    actor=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("%(name)s was added.") % {"name": organisation.name}
                )
                return redirect("governance:organisation_detail", pk=organisation.pk)
        return render(request, "governance/organisation_form.html", {"form": form})


class OrganisationDetailView(PermissionRequiredMixin, View):
    def get(self, request, pk: int):
        organisation = selectors.organisation_get(user=request.user, pk=pk)
        user = request.user
        context = {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation=organisation),
            "can_manage": permissions.can_manage_organisations(user),
            "can_invite": permissions.can_invite_to(user, organisation),
            "status_form": StatusChangeForm(),
            "next_statuses": [
                OrganisationStatus(s)
                for s in sorted(ALLOWED_STATUS_CHANGES[organisation.status])
            ],
        }
        if context["can_invite"]:
            context["invitations"] = selectors.organisation_invitations(
                organisation=organisation
            )
        if permissions.can_view_contributions(user, organisation):
            context["contributions"] = selectors.organisation_contributions(
                organisation=organisation
            )
        return render(request, "governance/organisation_detail.html", context)


class OrganisationUpdateView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_manage_organisations(self.request.user)

    def get(self, request, pk: int):
        organisation = selectors.organisation_get(user=request.user, pk=pk)
        return render(
            request,
            "governance/organisation_form.html",
            {
                "form": OrganisationForm(instance=organisation),
                "organisation": organisation,
            },
        )

    def post(self, request, pk: int):
        organisation = selectors.organisation_get(user=request.user, pk=pk)
        form = OrganisationForm(request.POST, instance=organisation)
        if form.is_valid():
            try:
                services.organisation_update(
                    organisation=organisation,
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("governance:organisation_detail", pk=organisation.pk)
        organisation.refresh_from_db()
        return render(
            request,
            "governance/organisation_form.html",
            {"form": form, "organisation": organisation},
        )


class OrganisationStatusView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_manage_organisations(self.request.user)

    def post(self, request, pk: int):
        organisation = selectors.organisation_get(user=request.user, pk=pk)
        form = StatusChangeForm(request.POST)
        if form.is_valid():
            try:
                services.organisation_change_status(
                    organisation=organisation,
                    status=form.cleaned_data["status"],
                    signed_on=form.cleaned_data["signed_on"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The status was changed."))
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("governance:organisation_detail", pk=organisation.pk)


class OrganisationInviteView(PermissionRequiredMixin, View):
    def get_organisation(self, pk: int):
        organisation = selectors.organisation_get(user=self.request.user, pk=pk)
        if not permissions.can_invite_to(self.request.user, organisation):
            raise Http404
        return organisation

    def get(self, request, pk: int):
        organisation = self.get_organisation(pk)
        return render(
            request,
            "governance/invitation_form.html",
            {"form": InvitationForm(), "organisation": organisation},
        )

    def post(self, request, pk: int):
        organisation = self.get_organisation(pk)
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                issued = services.invitation_create(
                    organisation=organisation,
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("An invitation was sent to %(email)s.")
                    % {"email": issued.invitation.email},
                )
                if settings.DEBUG:
                    # The demo sends no real mail: show the link so it can be tried.
                    messages.info(
                        request,
                        _("Demo: the invitation link is %(link)s")
                        % {"link": notifications.invitation_link(issued.token)},
                    )
                return redirect("governance:organisation_detail", pk=organisation.pk)
        return render(
            request,
            "governance/invitation_form.html",
            {"form": form, "organisation": organisation},
        )


class InvitationRevokeView(PermissionRequiredMixin, View):
    def post(self, request, pk: int):
        visible = permissions.organisation_visible_to(request.user)
        invitation = get_object_or_404(
            Invitation.objects.filter(organisation__in=visible), pk=pk
        )
        if not permissions.can_manage_members(request.user, invitation.organisation):
            raise Http404
        try:
            services.invitation_revoke(
                invitation=invitation, actor=request.user, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The invitation was revoked."))
        return redirect("governance:organisation_detail", pk=invitation.organisation_id)


class UserSetActiveView(PermissionRequiredMixin, View):
    def post(self, request, pk: int):
        person = get_object_or_404(permissions.user_visible_to(request.user), pk=pk)
        if person.organisation is None or not permissions.can_manage_members(
            request.user, person.organisation
        ):
            raise Http404
        active = request.POST.get("active") == "1"
        try:
            services.user_set_active(
                user=person, active=active, actor=request.user, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                (
                    _("%(name)s can sign in again.")
                    if active
                    else _("%(name)s can no longer sign in.")
                )
                % {"name": person},
            )
        return redirect("governance:organisation_detail", pk=person.organisation_id)


class InvitationAcceptView(View):
    """Open to anybody holding a valid link: the invited person chooses a password."""

    template_name = "governance/invitation_accept.html"

    def dispatch(self, request, token: str):
        self.invitation = services.invitation_get_open(token)
        if request.user.is_authenticated:
            messages.info(request, _("Sign out first to accept an invitation."))
            return redirect("dashboard")
        if self.invitation is None:
            return render(request, "governance/invitation_invalid.html", status=404)
        return super().dispatch(request, token)

    def get(self, request, token: str):
        form = AcceptInvitationForm(
            email=self.invitation.email,
            initial={
                "first_name": self.invitation.first_name,
                "last_name": self.invitation.last_name,
            },
        )
        return render(
            request, self.template_name, {"form": form, "invitation": self.invitation}
        )

    def post(self, request, token: str):
        form = AcceptInvitationForm(request.POST, email=self.invitation.email)
        if form.is_valid():
            try:
                user = services.invitation_accept(
                    token=token,
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                login(
                    request,
                    user,
                    backend="allauth.account.auth_backends.AuthenticationBackend",
                )
                messages.success(
                    request,
                    _("Welcome. Your account for %(organisation)s is ready.")
                    % {"organisation": user.organisation},
                )
                return HttpResponseRedirect(reverse("dashboard"))
        return render(
            request, self.template_name, {"form": form, "invitation": self.invitation}
        )
