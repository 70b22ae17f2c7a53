from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


class JournalFilterForm(forms.Form):
    """The journal's filters; each left empty keeps every entry."""

    debut = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fin = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    personne = forms.ModelChoiceField(
        label=_("Membre de l'équipe"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("Toute l'équipe"),
    )
    dossier = forms.IntegerField(
        label=_("Numéro du dossier"),
        required=False,
        min_value=1,
        max_value=2**53,
        help_text=_("Le numéro qui suit /beneficiaires/ dans l'adresse du dossier."),
    )
    action = forms.ChoiceField(
        label=_("Type d'événement"),
        required=False,
        choices=[("", _("Tous"))] + AuditEntry.Action.choices,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user_model = get_user_model()
        # The team is a few dozen people: a list, unlike the files.
        self.fields["personne"].queryset = user_model.objects.filter(
            role__in=[user_model.Role.COORDINATOR, user_model.Role.ACCOMPANIER]
        ).order_by("last_name", "first_name", "email")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("debut"), cleaned.get("fin")
        if start and end and end < start:
            self.add_error("fin", _("La fin de la période vient après son début."))
        return cleaned

    def described_filters(self) -> dict[str, str]:
        """The valid filters as text, for the export's own journal entry (never raw input:
        a NUL byte cannot be stored)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: str(value) for name, value in self.cleaned_data.items() if value}

    def filter(self, entries):
        """The entries the filters keep: all without filters, none with a wrong filter (its
        message is next to the field; an export of everything would surprise)."""
        if not self.is_bound:
            return entries
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if data["debut"]:
            entries = entries.filter(at__date__gte=data["debut"])
        if data["fin"]:
            entries = entries.filter(at__date__lte=data["fin"])
        if data["personne"]:
            entries = entries.filter(actor=data["personne"])
        if data["dossier"]:
            from beneficiaries.models import Beneficiary

            entries = entries.about_pk(Beneficiary, data["dossier"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        return entries
