import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accompaniment.reporting.statistics import MAX_MONTHS, MonthPeriod, Selection
from beneficiaries.models import Beneficiary, Commune
from soli_dome.users.models import User

MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month typed as 2026-03 (what ``<input type="month">`` sends): its first day."""

    widget = MONTH_WIDGET
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Indiquez un mois, par exemple 2026-03.")}


class StatisticsFilterForm(forms.Form):
    """The period (whole months) and the people the statistics are about."""

    start = MonthField(label=_("Du mois"))
    end = MonthField(label=_("Au mois (inclus)"))
    public = forms.ChoiceField(
        label=_("Public"),
        required=False,
        choices=[("", _("Tous les publics")), *Beneficiary.Public.choices],
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        required=False,
        queryset=Commune.objects.all(),
        empty_label=_("Toutes les communes"),
    )
    accompanier = forms.ModelChoiceField(
        label=_("Accompagnateur·rice"),
        required=False,
        queryset=User.objects.filter(role=User.Role.ACCOMPANIER, is_active=True),
        empty_label=_("Tout le programme"),
    )

    def __init__(self, data=None, *, today: datetime.date):
        self.default_period = MonthPeriod.last_twelve_months(today)
        initial = {"start": self.default_period.first, "end": self.default_period.last}
        super().__init__(data, initial=initial)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("Le dernier mois vient après le premier."))
            elif len(MonthPeriod(start, end).months) > MAX_MONTHS:
                self.add_error(
                    "end",
                    _("Choisissez au plus %(count)s mois.") % {"count": MAX_MONTHS},
                )
        return cleaned

    def period_and_selection(self) -> tuple[MonthPeriod, Selection]:
        """What the form asks for; the last twelve months of everyone when it is not valid
        (the errors show next to the fields)."""
        if not self.is_bound or not self.is_valid():
            return self.default_period, Selection()
        data = self.cleaned_data
        return (
            MonthPeriod(data["start"], data["end"]),
            Selection(
                public=data["public"], commune=data["commune"], accompanier=data["accompanier"]
            ),
        )
