"""The gate in front of every view: anonymous people go to the sign-in page, signed-in
people without the right get a 403 page."""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied


class PermissionRequiredMixin(AccessMixin):
    """Sign-in required; `has_permission` (from governance.permissions) decides the rest."""

    def has_permission(self) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
