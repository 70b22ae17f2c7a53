from django import forms
from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary, Commune
from partners.models import Category
from soli_dome.sorting import Folded


class _CommuneField(forms.ModelChoiceField):
    """The person's own commune comes first, and says so."""

    own_commune_id = None

    def label_from_instance(self, commune):
        if commune.pk == self.own_commune_id:
            return _("%(commune)s (votre commune)") % {"commune": commune.name}
        return commune.name


class GoodAddressFilterForm(forms.Form):
    """The filters of "Bonnes adresses", in plain words; both optional."""

    category = forms.ModelChoiceField(
        label=_("Quel genre de lieu ?"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Tous les lieux"),
    )
    commune = _CommuneField(
        label=_("Dans quelle commune ?"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("Toutes les communes"),
    )

    def __init__(self, *args, beneficiary: Beneficiary, partners: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the kinds of place the person can find here.
        self.fields["category"].queryset = Category.objects.filter(
            Exists(partners.filter(categories=OuterRef("pk")))
        )
        own = beneficiary.commune_id
        self.fields["commune"].own_commune_id = own
        self.fields["commune"].queryset = Commune.objects.order_by(
            Case(When(pk=own, then=Value(0)), default=Value(1)), Folded("name")
        )

    def filters(self) -> dict:
        """The chosen category and commune (None for all), to pass to ``good_addresses``."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {"category": self.cleaned_data["category"], "commune": self.cleaned_data["commune"]}
