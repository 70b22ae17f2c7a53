from django import forms
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """The period of the network view, both days included."""

    start = forms.DateField(label=_("Du"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Au (inclus)"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de la période vient après son début."))
        return cleaned
