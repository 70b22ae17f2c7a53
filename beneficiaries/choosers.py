"""Choosing a person in a form (session participants, workshop sign-ups) among the files the
user may see: the fields, and the endpoint their search box asks (``soli_dome/choosers.py``)."""

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from soli_dome.choosers import Chooser, ChooserField, ChooserMultipleField
from soli_dome.users.permissions import staff_required

from .models import Beneficiary


def _label(beneficiary: Beneficiary) -> str:
    return f"{beneficiary.last_name.upper()} {beneficiary.first_name}"


def _detail(beneficiary: Beneficiary) -> str:
    """The birth date and the commune: two Martin Léa are told apart by them."""
    born = _("né·e le %(date)s") % {"date": date_format(beneficiary.birth_date, "d/m/Y")}
    return f"{born} · {beneficiary.commune}" if beneficiary.commune_id else born


def _prepare(beneficiaries: QuerySet) -> QuerySet:
    return beneficiaries.select_related("commune")


BENEFICIARIES = Chooser(
    url_name="beneficiaries:beneficiary_chooser", label=_label, detail=_detail, prepare=_prepare
)


class BeneficiaryChooserField(ChooserField):
    chooser = BENEFICIARIES


class BeneficiariesChooserField(ChooserMultipleField):
    chooser = BENEFICIARIES


@staff_required
def beneficiary_chooser(request: HttpRequest) -> JsonResponse:
    """Files the user may see and still followed, matching ``?q=`` (name or phone)."""
    return BENEFICIARIES.response(request, Beneficiary.objects.visible_to(request.user).followed())
