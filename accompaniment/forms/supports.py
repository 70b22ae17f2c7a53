from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import Support
from partners.choosers import PartnerChooserField
from partners.models import Partner

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_widget(doume):
    """``data-doume`` tells static/js/support-form.js whether the field is for the Doume bonus
    only ("only") or for every other kind ("never"); without the script all fields show."""
    return forms.NumberInput(
        attrs={"step": "0.01", "min": "0", "inputmode": "decimal", "data-doume": doume}
    )


class SupportForm(forms.ModelForm):
    """A support given to the person. The fields that do not fit the kind are ignored, so the
    form works without JavaScript; the bonus rate is not asked: it is the programme's."""

    class Meta:
        model = Support
        fields = ["kind", "given_on", "euros_converted", "amount", "partner", "description"]
        field_classes = {"partner": PartnerChooserField}
        widgets = {
            "given_on": DATE_WIDGET,
            "euros_converted": money_widget("only"),
            "amount": money_widget("never"),
        }
        help_texts = {
            "euros_converted": _("Pour un bonus Doume : le bonus est calculé au taux en vigueur."),
            "amount": _(
                "Pour les autres aides ; facultatif pour un colis donné en nature, "
                "obligatoire pour un bon d'achat."
            ),
            "partner": _("L'association Doume, une épicerie solidaire… (facultatif)"),
            "description": _("Visible par la personne dans son espace : pas de note privée ici."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choisir le type d'aide")), *Support.Kind.choices]
        self.fields["kind"].widget.attrs["data-support-kind"] = ""
        # An archived partner is no longer offered, but a support that names one keeps it.
        partners = Q(is_archived=False)
        if self.instance.partner_id:
            partners |= Q(pk=self.instance.partner_id)
        self.fields["partner"].queryset = Partner.objects.visible_to(user).filter(partners)
        self.fields["partner"].empty_label = _("Aucun partenaire en particulier")

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        return given_on

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Support.Kind.DOUME_BONUS:
            euros = cleaned.get("euros_converted")
            if euros is None and "euros_converted" not in self.errors:
                self.add_error(
                    "euros_converted", _("Indiquez les euros convertis en Doume par la personne.")
                )
            elif euros is not None and euros <= Decimal(0):
                self.add_error("euros_converted", _("Le montant converti doit être positif."))
            cleaned["amount"] = None
        elif kind:
            cleaned["euros_converted"] = None
            voucher = kind == Support.Kind.VOUCHER
            if voucher and cleaned.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", _("Indiquez le montant du bon d'achat."))
        return cleaned
