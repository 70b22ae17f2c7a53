from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from soli_dome.users.models import User

from .models import Beneficiary, Commune
from .search import fold, national_digits


class BeneficiaryFilterForm(forms.Form):
    """Search and filters of the beneficiary list. Every field is optional."""

    SORTS = {
        "name": [F("last_name").asc(), F("first_name").asc()],
        "-last_contact": [F("last_contact_on").asc(nulls_first=True), F("last_name").asc()],
        "last_contact": [F("last_contact_on").desc(nulls_last=True), F("last_name").asc()],
        "-entry": [F("entry_date").desc(), F("last_name").asc()],
    }

    q = forms.CharField(label=_("Nom ou téléphone"), required=False)
    public = forms.ChoiceField(
        label=_("Public"), required=False, choices=[("", _("Tous"))] + Beneficiary.Public.choices
    )
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + Beneficiary.Status.choices
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), required=False, queryset=Commune.objects.all(), empty_label=_("Toutes")
    )
    accompanier = forms.ModelChoiceField(
        label=_("Accompagnateur·rice"),
        required=False,
        queryset=User.objects.filter(role=User.Role.ACCOMPANIER, is_active=True),
        empty_label=_("Tous"),
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("name", _("Nom")),
            ("-last_contact", _("Dernier contact le plus ancien")),
            ("last_contact", _("Dernier contact le plus récent")),
            ("-entry", _("Entrée la plus récente")),
        ],
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data["q"]:
            # Every word must appear in the name, in any order; or the digits in the phone.
            condition = Q()
            for word in fold(data["q"]).split():
                condition &= Q(search_name__contains=word)
            digits = national_digits(data["q"])
            if len(digits) >= 4:
                condition |= Q(phone_digits__contains=digits)
            queryset = queryset.filter(condition)
        if data["public"]:
            queryset = queryset.of_public(data["public"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["commune"]:
            queryset = queryset.filter(commune=data["commune"])
        if data["accompanier"]:
            queryset = queryset.filter(assignments__accompanier=data["accompanier"])
        return queryset.order_by(*self.SORTS.get(data["sort"] or "name"))
