from django import forms
from django.utils.translation import gettext_lazy as _

from soli_dome.forms import validate_plausible_date

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """The period of the network view, both days included."""

    start = forms.DateField(label=_("Du"), widget=DATE_WIDGET, validators=[validate_plausible_date])
    end = forms.DateField(
        label=_("Au (inclus)"), widget=DATE_WIDGET, validators=[validate_plausible_date]
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de la période vient après son début."))
        return cleaned
