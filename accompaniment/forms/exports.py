from django import forms
from django.utils.translation import gettext_lazy as _

from accompaniment.models.exports import DataExport
from partners.models import Partner


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(label=_("Format"), choices=DataExport.Format.choices)


class ResearchExportForm(ExportForm):
    """The partner the data goes to: a listing of the directory with the date of its
    agreement (set on its page)."""

    partner = forms.ModelChoiceField(
        label=_("Partenaire de recherche"),
        queryset=Partner.objects.none(),
        empty_label=_("Choisir le partenaire"),
        help_text=_(
            "Seuls les partenaires dont la fiche indique la date de la convention sont proposés."
        ),
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=DataExport.Format.choices, widget=forms.RadioSelect
    )

    field_order = ["partner", "file_format"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            Partner.objects.visible_to(user)
            .filter(agreement_date__isnull=False, is_archived=False)
            .order_by("name")
        )
        self.fields["partner"].label_from_instance = lambda partner: (
            _("%(name)s (convention du %(date)s)")
            % {"name": partner.name, "date": partner.agreement_date.strftime("%d/%m/%Y")}
        )
