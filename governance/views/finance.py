from django.http import Http404
from django.views import View

from convenant.access import PermissionRequiredMixin


class FinanceView(PermissionRequiredMixin, View):
    def get(self, request):
        raise Http404
