from django.http import Http404
from django.views import View

from convenant.access import PermissionRequiredMixin


class OrganisationImportView(PermissionRequiredMixin, View):
    def get(self, request):
        raise Http404


class OrganisationExportView(PermissionRequiredMixin, View):
    def get(self, request):
        raise Http404
