"""The platform's URLs and the benchmark's reference: a bare view returning one database row
through the same middleware as every page."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from beneficiaries.models import Commune
from soli_dome.urls import urlpatterns as platform_urlpatterns


@login_not_required
def one_row(request):
    return HttpResponse(Commune.objects.values_list("name", flat=True).first())


urlpatterns = [path("bench/one-row/", one_row), *platform_urlpatterns]
