"""Choosing a partner in a form (referrals, supports, workshops) among the whole directory:
the field, and the endpoint its search box asks (``soli_dome/choosers.py``)."""

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse

from soli_dome.choosers import Chooser, ChooserField
from soli_dome.users.permissions import staff_required

from .models import Partner


def _detail(partner: Partner) -> str:
    """The commune and the categories: two "Épicerie solidaire" are told apart by them."""
    parts = [partner.commune.name] if partner.commune_id else []
    categories = ", ".join(str(category) for category in partner.categories.all())
    return " · ".join([*parts, categories] if categories else parts)


def _prepare(partners: QuerySet) -> QuerySet:
    return partners.select_related("commune").prefetch_related("categories")


PARTNERS = Chooser(url_name="partners:partner_chooser", detail=_detail, prepare=_prepare)


class PartnerChooserField(ChooserField):
    chooser = PARTNERS


@staff_required
def partner_chooser(request: HttpRequest) -> JsonResponse:
    """Listings in use matching ``?q=`` (name, address, commune, category, service), best
    first; archived ones never."""
    return PARTNERS.response(request, Partner.objects.visible_to(request.user).active())
